package io.github.ascanalyticssync.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.FluentProducerTemplate;

/**
 * For the Java policies that decide what to call (the request lifecycle, a segment's fresh URL): one call through
 * the same route as the listings, {@code direct:asc-api}, on an exchange of its own. Its failure is thrown to the
 * step that asked, whose route's error handling retries it.
 */
@ApplicationScoped
public class AscApi {

    @Inject
    FluentProducerTemplate producer;

    /** A GET with the key {@code key} (the walk's variable {@code ascKey}: its token, its rate budget). */
    public JsonApi.Document get(String key, String path) {
        return call(key, "GET", path, null);
    }

    public JsonApi.Document post(String key, String path, Map<String, Object> document) {
        return call(key, "POST", path, document);
    }

    public void delete(String key, String path) {
        call(key, "DELETE", path, null);
    }

    private JsonApi.Document call(String key, String method, String path, Object body) {
        Exchange done = producer.to("direct:asc-api").withProcessor(e -> {
                    e.setVariable(ApiKeys.VARIABLE, key);
                    e.setVariable(ApiCall.METHOD, method);
                    e.setVariable(ApiCall.PATH, path);
                    e.getMessage().setBody(body);
                }).send();
        if (done.getException() != null) {
            throw done.getException() instanceof RuntimeException r ? r : new IllegalStateException(done.getException());
        }
        Object result = done.getMessage().getBody();
        return result instanceof JsonApi.Document d ? d : null;
    }
}
