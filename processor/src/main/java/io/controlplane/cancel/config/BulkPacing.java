package io.controlplane.cancel.config;

/**
 * How hard a task works on bulk cancels: {@code cancel.bulk.page-size}, {@code cancel.bulk.rate} and
 * {@code cancel.bulk.max-active}.
 *
 * @param pageSize runs looked at per bulk in one turn
 * @param ratePerSecond cancellations a second per task, over all its bulks
 * @param maxActive bulks that run at once per task
 */
public record BulkPacing(int pageSize, int ratePerSecond, int maxActive) {}
