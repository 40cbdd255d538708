package io.github.ascanalyticssync.destination;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.segment.SegmentReader;

/**
 * Turns a staged segment into Kafka records, lazily, one row at a time ({@link SegmentReader}): each row becomes a JSON object with the
 * columns by header name plus where it comes from, keyed {@code <segmentId>:<rowNumber>}. The Kafka sink sends the
 * whole iterator and waits for every acknowledgement, so memory does not grow with the segment.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("segmentRecords")
public class SegmentRecords {

    /** Largest record value accepted; Kafka's default {@code max.request.size} is 1 MiB. */
    static final int MAX_RECORD_BYTES = 900 * 1024;

    private final ObjectMapper json = new ObjectMapper();

    /** Body: the staged file; returns the records, each a message with its key and topic headers. */
    public Iterator<Message> records(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        File file = in.getBody(File.class);
        Map<String, Object> origin = Manifests.origin(exchange);
        String segmentId = exchange.getVariable("segmentId", String.class);
        origin.put("segmentId", segmentId);
        String topic = exchange.getProperty("recordTopic", String.class);
        return new Rows(SegmentReader.open(file.toPath()), origin, segmentId, topic, exchange);
    }

    /** The rows of one segment as records, read as they are asked for; the file closes after the last. */
    private final class Rows implements Iterator<Message> {
        private final SegmentReader reader;
        private final Map<String, Object> origin;
        private final String segmentId;
        private final String topic;
        private final Exchange exchange;
        private final List<String> columns;
        private boolean more;
        private long row;

        Rows(SegmentReader reader, Map<String, Object> origin, String segmentId, String topic, Exchange exchange) throws IOException {
            this.reader = reader;
            this.origin = origin;
            this.segmentId = segmentId;
            this.topic = topic;
            this.exchange = exchange;
            this.columns = reader.columns();
            advance();
        }

        private void advance() throws IOException {
            more = reader.next();
            if (!more) {
                reader.close();
            }
        }

        @Override
        public boolean hasNext() {
            return more;
        }

        @Override
        public Message next() {
            if (!more) {
                throw new NoSuchElementException();
            }
            row++;
            Map<String, Object> record = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                record.put(columns.get(i), i < reader.fields() ? reader.field(i) : null);
            }
            record.putAll(origin);
            record.put("rowNumber", row);
            Message m = new DefaultMessage(exchange.getContext());
            try {
                String value = json.writeValueAsString(record);
                if (value.length() > MAX_RECORD_BYTES) {
                    throw new IllegalStateException("Row " + row + " of segment " + segmentId + " makes a record of " + value.length()
                            + " bytes, over the " + MAX_RECORD_BYTES + " accepted");
                }
                m.setBody(value);
                advance();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            m.setHeader("kafka.KEY", segmentId + ":" + row);
            if (topic != null) {
                m.setHeader("kafka.OVERRIDE_TOPIC", topic);
            }
            return m;
        }
    }
}
