package io.github.ascanalyticssync.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;

/** The token issuer: Apple's JWT rules, reuse until shortly before expiry, and clear errors for bad credentials. */
class TokenIssuerTest {

    static final String DEMO_KEY = "classpath:simulator/demo/AuthKey_DEMOKEY001.p8";
    static final String ISSUER = "69a6de70-03db-47e3-e053-5b8c7c11a4d1";

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-03-06T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static TokenIssuer.Credentials demo(boolean individual) {
        return TokenIssuer.credentials(Optional.of("DEMOKEY001"), individual ? Optional.empty() : Optional.of(ISSUER), individual, Optional.empty(),
                Optional.of(DEMO_KEY));
    }

    private static ECPublicKey demoPublicKey() throws Exception {
        String pem = new String(TokenIssuerTest.class.getResourceAsStream("/simulator/demo/AuthKey_DEMOKEY001.pub.pem").readAllBytes());
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    }

    @Test
    void aTeamTokenFollowsApplesRules() throws Exception {
        MutableClock clock = new MutableClock();
        SignedJWT jwt = SignedJWT.parse(new TokenIssuer(demo(false), Duration.ofMinutes(20), Duration.ofMinutes(1), clock).token());
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals("DEMOKEY001", jwt.getHeader().getKeyID());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        assertTrue(jwt.verify(new ECDSAVerifier(demoPublicKey())));
        assertEquals(64, jwt.getSignature().decode().length, "JOSE r||s, not DER");
        var claims = jwt.getJWTClaimsSet();
        assertEquals(ISSUER, claims.getIssuer());
        assertEquals(List.of("appstoreconnect-v1"), claims.getAudience());
        var payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(jwt.getPayload().toString());
        assertTrue(payload.get("iat").isIntegralNumber() && payload.get("exp").isIntegralNumber(), "integer iat and exp: " + payload);
        assertEquals(clock.now.getEpochSecond(), payload.get("iat").asLong());
        assertEquals(clock.now.getEpochSecond() + 1200, payload.get("exp").asLong());
        assertNull(claims.getSubject());
    }

    @Test
    void anIndividualKeyTokenHasSubUserAndNoIssuer() throws Exception {
        SignedJWT jwt = SignedJWT.parse(new TokenIssuer(demo(true), Duration.ofMinutes(10), Duration.ofMinutes(1), new MutableClock()).token());
        assertEquals("user", jwt.getJWTClaimsSet().getSubject());
        assertNull(jwt.getJWTClaimsSet().getIssuer());
    }

    @Test
    void aTokenIsReusedUntilShortlyBeforeItExpiresAndReplacedAfterA401() {
        MutableClock clock = new MutableClock();
        TokenIssuer issuer = new TokenIssuer(demo(false), Duration.ofMinutes(19), Duration.ofMinutes(1), clock);
        String first = issuer.token();
        clock.now = clock.now.plus(Duration.ofMinutes(17));
        assertEquals(first, issuer.token(), "still valid for more than the margin");
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        String second = issuer.token();
        assertNotEquals(first, second, "within a minute of expiry: a new one");
        issuer.invalidate("some other token");
        assertEquals(second, issuer.token());
        issuer.invalidate(second);
        assertNotEquals(second, issuer.token(), "a refused token is replaced");
    }

    @Test
    void aLifetimeOver20MinutesIsRefused() {
        var e = assertThrows(InvalidCredentialsException.class,
                () -> new TokenIssuer(demo(false), Duration.ofMinutes(21), Duration.ofMinutes(1), new MutableClock()));
        assertTrue(e.getMessage().startsWith("asc.api.token-lifetime "), e.getMessage());
    }

    private static String error(Optional<String> kid, Optional<String> issuer, Optional<String> pem, Optional<String> path) {
        return assertThrows(InvalidCredentialsException.class, () -> TokenIssuer.credentials(kid, issuer, false, pem, path)).getMessage();
    }

    @Test
    void badCredentialsNameTheSettingAndNeverTheKey(@TempDir Path dir) throws Exception {
        Optional<String> kid = Optional.of("DEMOKEY001");
        Optional<String> iss = Optional.of(ISSUER);
        assertTrue(error(Optional.empty(), iss, Optional.empty(), Optional.of(DEMO_KEY)).startsWith("asc.api.key-id is not set"));
        assertTrue(error(Optional.of(" "), iss, Optional.empty(), Optional.of(DEMO_KEY)).startsWith("asc.api.key-id is not set"));
        assertTrue(error(kid, Optional.empty(), Optional.empty(), Optional.of(DEMO_KEY)).startsWith("asc.api.issuer-id is not set"));
        assertTrue(error(kid, iss, Optional.empty(), Optional.empty()).startsWith("Neither asc.api.private-key-path nor asc.api.private-key is set"));
        assertTrue(error(kid, iss, Optional.empty(), Optional.of(dir.resolve("AuthKey_X.p8").toString()))
                .matches("asc.api.private-key-path names .*AuthKey_X.p8, which does not exist"));
        assertTrue(error(kid, iss, Optional.empty(), Optional.of(dir.toString())).contains("which cannot be read"));
        Path notPem = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertTrue(error(kid, iss, Optional.empty(), Optional.of(notPem.toString())).startsWith("asc.api.private-key-path is not a .p8 key"));
        String rsa = new String(getClass().getResourceAsStream("/keys/rsa.p8").readAllBytes());
        String rsaError = error(kid, iss, Optional.of(rsa), Optional.empty());
        assertTrue(rsaError.startsWith("asc.api.private-key is not an EC private key"), rsaError);
        String p384 = new String(getClass().getResourceAsStream("/keys/AuthKey_P384KEY001.p8").readAllBytes());
        assertTrue(error(kid, iss, Optional.of(p384), Optional.empty()).startsWith("asc.api.private-key is an EC key on another curve"));
        String garbled = "-----BEGIN PRIVATE KEY-----\n%%%%\n-----END PRIVATE KEY-----\n";
        assertTrue(error(kid, iss, Optional.of(garbled), Optional.empty()).contains("not valid base64"));
        for (String message : List.of(rsaError)) {
            assertFalse(message.contains(rsa.split("\n")[1]), "the key never appears in a message");
        }
        assertFalse(demo(false).toString().contains("key="), "credentials print without their key");
    }

    @Test
    void aPemFromAnEnvironmentVariableMayHaveEscapedNewlines() throws Exception {
        String pem = new String(getClass().getResourceAsStream("/simulator/demo/AuthKey_DEMOKEY001.p8").readAllBytes()).replace("\n", "\\n");
        var credentials = TokenIssuer.credentials(Optional.of("DEMOKEY001"), Optional.of(ISSUER), false, Optional.of(pem), Optional.empty());
        assertTrue(SignedJWT.parse(new TokenIssuer(credentials, Duration.ofMinutes(5), Duration.ofMinutes(1), new MutableClock()).token())
                .verify(new ECDSAVerifier(demoPublicKey())));
    }
}
