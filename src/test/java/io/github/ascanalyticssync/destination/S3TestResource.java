package io.github.ascanalyticssync.destination;

import java.net.URI;
import java.util.Map;
import java.util.Properties;

import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real S3 API in the test JVM: S3Proxy on jclouds' in-memory blob store, AWS V4 auth, path-style. */
public class S3TestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ACCESS_KEY = "test-access";
    /** A canary: never in a log. With the characters that break an endpoint URI unless Camel keeps the value raw. */
    public static final String SECRET_KEY = "s3-secret+canary/7Qx";
    public static BlobStoreContext blobs;
    private S3Proxy proxy;

    @Override
    public Map<String, String> start() {
        Properties props = new Properties();
        blobs = ContextBuilder.newBuilder("transient").overrides(props).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        try {
            proxy.start();
            while (!proxy.getState().equals("STARTED")) {
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        String endpoint = "http://127.0.0.1:" + proxy.getPort();
        // AWS SDK >= 2.30 sends checksum trailers that S3Proxy 2.9.0 rejects
        System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
        System.setProperty("aws.responseChecksumValidation", "WHEN_REQUIRED");
        // the settings of every aws-s3-sink destination, and the built-in example's bucket and prefix
        return Map.of("camel.kamelet.aws-s3-sink.useDefaultCredentialsProvider", "false",
                "camel.kamelet.aws-s3-sink.accessKey", ACCESS_KEY,
                "camel.kamelet.aws-s3-sink.secretKey", SECRET_KEY,
                "camel.kamelet.aws-s3-sink.overrideEndpoint", "true",
                "camel.kamelet.aws-s3-sink.uriEndpointOverride", endpoint,
                "camel.kamelet.aws-s3-sink.forcePathStyle", "true",
                "camel.kamelet.aws-s3-sink.autoCreateBucket", "true",
                "camel.kamelet.aws-s3-sink.s3.bucketNameOrArn", "asc-reports",
                "asc.destinations.s3.prefix", "analytics/");
    }

    @Override
    public void stop() {
        try {
            if (proxy != null) {
                proxy.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            if (blobs != null) {
                blobs.close();
            }
        }
    }

    /**
     * The segments ({@code .tsv.gz}) in the bucket, by name after the prefix (an object outside the prefix keeps its
     * whole name), with their ETags (the MD5 of their content).
     */
    public static Map<String, String> segmentObjects(String bucket, String prefix) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (org.jclouds.blobstore.domain.StorageMetadata m : blobs.getBlobStore().list(bucket,
                org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive())) {
            if (m.getName().endsWith(".tsv.gz")) {
                String name = m.getName().startsWith(prefix) ? m.getName().substring(prefix.length()) : m.getName();
                out.put(name, m.getETag().replace("\"", ""));
            }
        }
        return out;
    }
}
