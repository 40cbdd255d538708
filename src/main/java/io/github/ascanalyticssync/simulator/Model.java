package io.github.ascanalyticssync.simulator;

import java.time.LocalDate;

import io.github.ascanalyticssync.simulator.ReportCatalogue.ReportType;

/** The simulated App Store Connect resources, named as Apple names them. */
public final class Model {

    private Model() {
    }

    public enum AccessType {
        ONGOING, ONE_TIME_SNAPSHOT
    }

    public enum Category {
        APP_USAGE, APP_STORE_ENGAGEMENT, COMMERCE, FRAMEWORK_USAGE, PERFORMANCE
    }

    public enum Granularity {
        DAILY, WEEKLY, MONTHLY
    }

    public record App(String id, String name, String bundleId, String sku) {
    }

    /** An analyticsReportRequest with its simulated history. Mutable fields are guarded by the world's lock. */
    public static final class ReportRequest {
        final String id;
        final String appId;
        final AccessType accessType;
        final LocalDate createdOn;
        final LocalDate firstInstanceOn;
        LocalDate lastReadOn;
        LocalDate stoppedOn;
        LocalDate deletedOn;

        ReportRequest(String id, String appId, AccessType accessType, LocalDate createdOn, LocalDate firstInstanceOn) {
            this.id = id;
            this.appId = appId;
            this.accessType = accessType;
            this.createdOn = createdOn;
            this.firstInstanceOn = firstInstanceOn;
            this.lastReadOn = createdOn;
        }

        public String id() {
            return id;
        }

        public String appId() {
            return appId;
        }

        public AccessType accessType() {
            return accessType;
        }

        public LocalDate createdOn() {
            return createdOn;
        }

        public LocalDate firstInstanceOn() {
            return firstInstanceOn;
        }

        public synchronized boolean stopped() {
            return stoppedOn != null;
        }

        public synchronized LocalDate stoppedOn() {
            return stoppedOn;
        }

        public synchronized LocalDate lastReadOn() {
            return lastReadOn;
        }

        public synchronized boolean deleted() {
            return deletedOn != null;
        }
    }

    /** An analyticsReport: one report type offered by one request; its id is {@code <code>-<requestId>}. */
    public record Report(ReportRequest request, ReportType type) {
        public String id() {
            return type.code() + "-" + request.id;
        }
    }

    public record Instance(String id, Report report, Granularity granularity, LocalDate processingDate) {
    }

    /** A segment: one gzip'd part of an instance, {@code rows} data rows below the header. */
    public record Segment(String id, Instance instance, int index, long rows) {
    }
}
