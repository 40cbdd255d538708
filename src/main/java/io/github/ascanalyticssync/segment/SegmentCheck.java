package io.github.ascanalyticssync.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The content check of one segment download, on a second thread fed by a bounded queue, so that decompressing and
 * reading never slow the transfer: the download hands over each chunk after writing it, and this thread decompresses
 * it (strict gzip), reads every row and collects the manifest's facts (data rows, smallest and largest {@code Date}).
 * The segment passes when its gzip data is intact to the end and its first line is a header row. Memory: at most
 * {@link #CHUNKS} chunks of {@link #CHUNK} bytes, whatever the segment's size.
 */
final class SegmentCheck implements AutoCloseable {

    static final int CHUNK = 128 * 1024;
    static final int CHUNKS = 8;

    /** What a full read of an intact segment found. */
    record Content(long rows, String firstDate, String lastDate) {
    }

    /** Why a segment does not pass; the message completes "the segment ...". */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    /** {@code length} bytes of the segment, in order; an empty one marks the end. */
    private record Chunk(byte[] bytes, int length) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private final CompletableFuture<Content> result = new CompletableFuture<>();
    private int created;
    private volatile boolean aborted;

    private SegmentCheck() {
    }

    /** Starts the check on a thread of {@code threads}. */
    static SegmentCheck start(Executor threads) {
        SegmentCheck check = new SegmentCheck();
        threads.execute(check::run);
        return check;
    }

    /** A buffer to read the next chunk into: a new one while fewer than {@link #CHUNKS} exist, else one handed back. */
    byte[] buffer() throws IOException {
        byte[] recycled = free.poll();
        if (recycled != null) {
            return recycled;
        }
        if (created < CHUNKS) {
            created++;
            return new byte[CHUNK];
        }
        try {
            while ((recycled = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                if (result.isDone()) {
                    return new byte[CHUNK]; // the check ended without taking everything (it cannot pass): never wait
                }
            }
            return recycled;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the segment was downloaded");
        }
    }

    /** Hands over the next {@code length} bytes of the segment, in order. */
    void submit(byte[] chunk, int length) throws IOException {
        put(new Chunk(chunk, length));
    }

    /** After the last chunk: waits for the check, then returns what the segment holds or why it fails. */
    Content finish() throws Failed, IOException {
        put(END);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the segment was checked");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Failed failed) {
                throw failed;
            }
            throw new IllegalStateException("The check of a segment failed", e.getCause());
        }
    }

    /** Stops the check if the download did not finish (a broken transfer, a size over the announced one). */
    @Override
    public void close() {
        aborted = true;
    }

    private void put(Chunk chunk) throws IOException {
        try {
            while (!full.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (result.isDone()) {
                    return; // the check ended without taking everything (it cannot pass): drop the chunk
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the segment was downloaded");
        }
    }

    private void run() {
        Chunks chunks = new Chunks();
        try (SegmentReader reader = new SegmentReader(new GzipStream(chunks))) {
            result.complete(read(reader));
        } catch (GzipStream.Damaged e) {
            result.completeExceptionally(new Failed(e.getMessage()));
        } catch (IOException e) {
            result.completeExceptionally(new Failed(e.getMessage() == null ? "could not be read" : e.getMessage()));
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        } finally {
            chunks.drain();
        }
    }

    private static Content read(SegmentReader reader) throws IOException {
        if (reader.columns().isEmpty()) {
            throw new IOException("decompresses to nothing: it has no header row");
        }
        if (reader.columns().stream().allMatch(String::isEmpty)
                || reader.columns().stream().anyMatch(name -> name.chars().anyMatch(c -> c == 0xFFFD || Character.isISOControl(c)))) {
            throw new IOException("does not start with a header row (its first line is not a list of column names)");
        }
        int date = reader.column("Date");
        long rows = 0;
        byte[] first = null;
        byte[] last = null;
        while (reader.next()) {
            rows++;
            if (date >= 0 && reader.has(date) && !reader.isEmpty(date)) {
                if (first == null || reader.compare(date, first) < 0) {
                    first = reader.bytes(date);
                }
                if (last == null || reader.compare(date, last) > 0) {
                    last = reader.bytes(date);
                }
            }
        }
        return new Content(rows, text(first), text(last));
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The compressed bytes as the download hands them over; the end is an empty chunk. */
    private final class Chunks extends InputStream {
        private byte[] current = new byte[0];
        private int pos;
        private int limit;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos == limit) {
                if (ended || !take()) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        /** The next chunk; false at the end. The previous chunk goes back to the download. */
        private boolean take() throws IOException {
            if (current.length > 0) {
                free.offer(current);
            }
            try {
                Chunk next;
                while ((next = full.poll(100, TimeUnit.MILLISECONDS)) == null) {
                    if (aborted) {
                        throw new InterruptedIOException("the download stopped");
                    }
                }
                current = next.bytes();
                pos = 0;
                limit = next.length();
                ended = next == END;
                return !ended;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }

        /** After the check ended early: takes the rest, so that the download never waits for room. */
        void drain() {
            try {
                while (!ended && !aborted) {
                    pos = limit;
                    take();
                }
            } catch (IOException e) {
                // the download stopped too
            }
        }
    }
}
