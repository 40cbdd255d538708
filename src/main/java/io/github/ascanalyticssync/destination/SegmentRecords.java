package io.github.ascanalyticssync.destination;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a staged segment into Kafka records, lazily, one row at a time: each row becomes a JSON object with the
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
        return new Rows(open(file), origin, segmentId, topic, exchange);
    }

    /** The rows of one segment as records, read as they are asked for; the file closes after the last. */
    private final class Rows implements Iterator<Message> {
        private final BufferedReader reader;
        private final Map<String, Object> origin;
        private final String segmentId;
        private final String topic;
        private final Exchange exchange;
        private final List<String> columns = new ArrayList<>();
        private String delimiter = "\t";
        private String next;
        private long row;

        Rows(BufferedReader reader, Map<String, Object> origin, String segmentId, String topic, Exchange exchange) throws IOException {
            this.reader = reader;
            this.origin = origin;
            this.segmentId = segmentId;
            this.topic = topic;
            this.exchange = exchange;
            String header = reader.readLine();
            if (header != null) {
                if (header.startsWith("\uFEFF")) {
                    header = header.substring(1);
                }
                delimiter = header.contains("\t") ? "\t" : ",";
                for (String name : header.split(delimiter, -1)) {
                    columns.add(unquote(name).trim());
                }
            }
            next = advance();
        }

        private String advance() throws IOException {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty()) {
                    return line;
                }
            }
            reader.close();
            return null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Message next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            row++;
            Map<String, Object> record = new LinkedHashMap<>();
            String[] fields = next.split(delimiter, -1);
            for (int i = 0; i < columns.size(); i++) {
                record.put(columns.get(i), i < fields.length ? unquote(fields[i]) : null);
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
                next = advance();
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

    private static String unquote(String value) {
        String v = value.endsWith("\r") ? value.substring(0, value.length() - 1) : value;
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\"\"", "\"");
        }
        return v;
    }

    private static BufferedReader open(File file) throws IOException {
        InputStream raw = Files.newInputStream(file.toPath());
        try {
            return new BufferedReader(new InputStreamReader(new GZIPInputStream(raw, 64 * 1024), StandardCharsets.UTF_8), 64 * 1024);
        } catch (ZipException notGzip) {
            raw.close();
            return Files.newBufferedReader(file.toPath(), StandardCharsets.UTF_8);
        }
    }
}
