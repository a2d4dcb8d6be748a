package io.controlplane.cancel.serde;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Registry URLs as they may be shown: without the {@code user:password@} a URL may carry, so that
 * no log line or error message repeats credentials.
 */
public final class RegistryUrls {

    private RegistryUrls() {}

    /**
     * {@code url} without its user-info. Works on text that is not a valid URL too (that is when it
     * ends up in an error message): everything between the scheme and the last {@code @} before
     * any query or fragment goes, since a password may itself hold {@code /} or {@code @}.
     */
    public static String withoutUserInfo(String url) {
        int schemeEnd = url.indexOf("://");
        int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int end = url.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = url.indexOf(stop, authorityStart);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        int userInfoEnd = url.lastIndexOf('@', end - 1);
        return userInfoEnd < authorityStart ? url : url.substring(0, authorityStart) + url.substring(userInfoEnd + 1);
    }

    /** The configured value of {@code schema.registry.url} (a comma-separated string or a list), for display. */
    public static String describe(Object configured) {
        if (configured == null) {
            return "(none)";
        }
        Stream<String> urls = configured instanceof List<?> list
                ? list.stream().map(String::valueOf)
                : Arrays.stream(String.valueOf(configured).split(","));
        return urls.map(String::trim).map(RegistryUrls::withoutUserInfo).collect(Collectors.joining(","));
    }
}
