package io.github.ascanalyticssync.segment;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What a verified segment holds, for the instance manifest. Dates are the smallest and largest {@code Date} values. */
@RegisterForReflection
public record SegmentFacts(String id, String checksum, long sizeInBytes, long rows, String firstDate, String lastDate) {
}
