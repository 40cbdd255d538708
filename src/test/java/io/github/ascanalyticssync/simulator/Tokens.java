package io.github.ascanalyticssync.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Tokens for tests: well-formed ones for each test key, and raw ones with any header and claims. */
public final class Tokens {

    public static final String ISSUER = "69a6de70-03db-47e3-e053-5b8c7c11a4d1";
    public static final String ADMIN = "DEMOKEY001";
    static final String SALES = "SALESKEY01";
    static final String FINANCE = "FINANCEK01";
    static final String DEVELOPER = "DEVELOPR01";
    static final String INDIVIDUAL = "INDIVID001";
    /** A well-formed key the simulator does not know. */
    static final String ROGUE = "ROGUEKEY01";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokens() {
    }

    /** A well-formed token of the key, for 20 minutes from now. */
    public static String valid(String kid) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        if (kid.equals(INDIVIDUAL)) {
            claims.put("sub", "user");
        } else {
            claims.put("iss", ISSUER);
        }
        claims.put("iat", now);
        claims.put("exp", now + 1200);
        claims.put("aud", "appstoreconnect-v1");
        return raw(kid, Map.of("alg", "ES256", "kid", kid, "typ", "JWT"), claims);
    }

    /** Signs exactly the header and claims given (JOSE r||s signature), whatever they say. */
    static String raw(String kid, Map<String, Object> header, Map<String, Object> claims) {
        try {
            String signingInput = b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
            SignedJWT reference = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(JOSEObjectType.JWT).build(),
                    new JWTClaimsSet.Builder().build());
            byte[] signature = new ECDSASigner((ECPrivateKey) privateKey(kid)).sign(reference.getHeader(),
                    signingInput.getBytes(StandardCharsets.US_ASCII)).decode();
            return signingInput + "." + Base64URL.encode(signature);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same token with its signature in DER form, as a naive JCA signer produces it. */
    static String derSigned(String kid) {
        try {
            String token = valid(kid);
            String signingInput = token.substring(0, token.lastIndexOf('.'));
            java.security.Signature der = java.security.Signature.getInstance("SHA256withECDSA");
            der.initSign(privateKey(kid));
            der.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(der.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> claims(String kid) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("iat", now);
        claims.put("exp", now + 1200);
        claims.put("aud", "appstoreconnect-v1");
        return claims;
    }

    static Map<String, Object> header(String kid) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("kid", kid);
        header.put("typ", "JWT");
        return header;
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static PrivateKey privateKey(String kid) {
        String resource = kid.equals(ADMIN) ? "/simulator/demo/AuthKey_" + kid + ".p8" : "/keys/AuthKey_" + kid + ".p8";
        try (InputStream in = Tokens.class.getResourceAsStream(resource)) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
