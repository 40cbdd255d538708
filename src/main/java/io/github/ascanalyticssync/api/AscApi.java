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

    public JsonApi.Document get(String path) {
        return call("GET", path, null);
    }

    public JsonApi.Document post(String path, Map<String, Object> document) {
        return call("POST", path, document);
    }

    public void delete(String path) {
        call("DELETE", path, null);
    }

    private JsonApi.Document call(String method, String path, Object body) {
        Exchange done = producer.to("direct:asc-api").withProcessor(e -> {
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
