package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.config.SecretsLogFilter;
import io.github.ascanalyticssync.observe.SyncHealth;

/**
 * The patterns of the log filter, each on the kind of line it is there for, and lines without a secret left as they
 * are (the filter only runs a pattern where its literal part occurs). The configured secrets' values are covered by
 * DestinationSecretsLogTest, through a whole sync.
 */
class SecretsLogFilterTest {

    @Test
    void uriAndHeaderParametersAreMasked() {
        assertEquals("aws2-s3://bucket?accessKey=xxxxxx&secretKey=xxxxxx&region=eu-west-1",
                SecretsLogFilter.mask("aws2-s3://bucket?accessKey=AKIAEXAMPLE&secretKey=wJalrXUtnFEMI&region=eu-west-1"));
        assertEquals("GET https://storage.example/seg.gz?X-Amz-Date=20261130&X-Amz-Signature=xxxxxx",
                SecretsLogFilter.mask("GET https://storage.example/seg.gz?X-Amz-Date=20261130&X-Amz-Signature=0f1e2d3c4b5a"));
        assertEquals("Authorization: xxxxxx", SecretsLogFilter.mask("Authorization: Bearer abc.def.ghi"));
        assertEquals("sftp://host:22/in?password=xxxxxx", SecretsLogFilter.mask("sftp://host:22/in?password=RAW(p@ss&word)"));
    }

    @Test
    void aTokenAndKeyMaterialAreMaskedWhereverTheyStand() {
        String jwt = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl";
        assertEquals("issued xxxxxx for the key", SecretsLogFilter.mask("issued " + jwt + " for the key"));
        String pem = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----";
        String masked = SecretsLogFilter.mask("key read: " + pem + " done");
        assertFalse(masked.contains("MIGTAgEA"), masked);
        assertTrue(masked.startsWith("key read: xxxxxx"), masked);
    }

    @Test
    void aSentenceThatNamesThePemLinesIsNotKeyMaterialButAKeyWithEscapedNewlinesIs() {
        String help = "asc.api.private-key is not a .p8 key: expected PEM text between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY-----";
        assertEquals(help, SecretsLogFilter.mask(help));
        String escaped = "value -----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBx0TUzPbI5mDNs1\\n-----END EC PRIVATE KEY----- end";
        String masked = SecretsLogFilter.mask(escaped);
        assertFalse(masked.contains("MHcCAQEE"), masked);
        String withHeaders = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,ABC\n\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMx\n-----END RSA PRIVATE KEY-----";
        assertFalse(SecretsLogFilter.mask(withHeaders).contains("MIIEowIB"));
    }

    @Test
    void aDestinationsLastErrorAsHealthAndStatusShowItIsMaskedLikeALogLine() {
        Exception e = new RuntimeException("delivery failed", new java.io.IOException(
                "Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl rejected for sftp://host?password=hunter2"));
        assertEquals("Authorization: xxxxxx rejected for sftp://host?password=xxxxxx", new SyncHealth().describe(e));
    }

    @Test
    void linesWithoutSecretsStayAsTheyAre() {
        String progress = "Progress app 9898727089: 116 report(s); instances 463 of 463; segments 885 of 885";
        assertSame(progress, SecretsLogFilter.mask(progress));
        String path = "Wrote app_id=1/report=app-downloads-standard/granularity=DAILY/processing_date=2026-11-29/s.tsv.gz";
        assertEquals(path, SecretsLogFilter.mask(path));
        assertEquals("Quota: 3,500 calls per hour, 12 left", SecretsLogFilter.mask("Quota: 3,500 calls per hour, 12 left"));
    }
}
