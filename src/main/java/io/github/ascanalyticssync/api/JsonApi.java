package io.github.ascanalyticssync.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The JSON:API documents App Store Connect answers with, as Camel Jackson reads them ({@code unmarshal} in
 * routes/asc-api.yaml). One flat attributes type covers the four analytics resource types and apps: each resource
 * fills only its own attributes. Unknown members are ignored, as Apple adds fields over time.
 */
public final class JsonApi {

    private JsonApi() {
    }

    /** A collection page, or a single resource (read as a list of one), with its paging links. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Document(@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Resource> data, Links links, Meta meta) {

        public List<Resource> data() {
            return data == null ? List.of() : data;
        }

        /** True for a body without a {@code data} member: not a JSON:API answer. */
        public boolean missingData() {
            return data == null;
        }

        /** {@code meta.paging.total}, when sent. */
        public Integer total() {
            return meta == null || meta.paging() == null ? null : meta.paging().total();
        }

        /** {@code meta.paging.limit}, when sent. */
        public Integer pageLimit() {
            return meta == null || meta.paging() == null ? null : meta.paging().limit();
        }

        /** The absolute URL of the next page, or null on the last page. */
        public String next() {
            return links == null ? null : links.next();
        }
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resource(String type, String id, Attributes attributes) {

        public Attributes attributes() {
            return attributes == null ? Attributes.NONE : attributes;
        }
    }

    /** Attributes of apps, analyticsReportRequests, analyticsReports, analyticsReportInstances, analyticsReportSegments. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Attributes(String name, String bundleId, String accessType, Boolean stoppedDueToInactivity, String category,
            String granularity, String processingDate, String checksum, Long sizeInBytes, String url) {

        static final Attributes NONE = new Attributes(null, null, null, null, null, null, null, null, null, null);

        public boolean stopped() {
            return Boolean.TRUE.equals(stoppedDueToInactivity);
        }
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Links(String self, String next) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Meta(Paging paging) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Paging(Integer total, Integer limit) {
    }
}
