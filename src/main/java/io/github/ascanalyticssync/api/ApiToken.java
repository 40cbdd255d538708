package io.github.ascanalyticssync.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The token step of routes/asc-api.yaml: {@code Authorization: Bearer <ES256 JWT>} for the one call that follows,
 * reused until shortly before it expires. The route removes the header again right after the call.
 */
@ApplicationScoped
@Named("ascToken")
public class ApiToken implements Processor {

    @Inject
    ApiKeys keys;

    /** With the token of the walk's key (variable {@code ascKey}): one token issuer, and one token cache, per key. */
    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setHeader("Authorization", "Bearer " + keys.token(exchange));
    }
}
