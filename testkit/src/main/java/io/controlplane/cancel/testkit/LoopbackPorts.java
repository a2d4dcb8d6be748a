package io.controlplane.cancel.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports on 127.0.0.1, for brokers and servers that the tests, the demo and the bench start. */
public final class LoopbackPorts {

    public static final String LOOPBACK = "127.0.0.1";

    private LoopbackPorts() {}

    /**
     * Ports the OS has just handed out on loopback, all held open together so that they differ. Another
     * process could take one before the caller binds it; the caller then fails to start, loudly.
     */
    public static int[] free(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket();
                sockets[i].bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}
