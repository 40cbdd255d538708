package io.github.ascanalyticssync.destination;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real SFTP server in the test JVM (Apache MINA SSHD), password login, its host key written to a known_hosts file. */
public class SftpTestResource implements QuarkusTestResourceLifecycleManager {

    static final Path ROOT = Path.of("target/test-data/sftp").toAbsolutePath();
    static final Path KNOWN_HOSTS = Path.of("target/test-data/sftp-known_hosts").toAbsolutePath();
    static final String USER = "asc";
    /** A canary: never in a log. With the characters that break an endpoint URI unless Camel keeps the value raw. */
    static final String PASSWORD = "sftp-password&canary+9";
    static SshServer server;
    /** A client key pair the server accepts for public-key login; its private key is written as a PEM file. */
    static KeyPair clientKey;
    static final Path CLIENT_KEY_FILE = Path.of("target/test-data/sftp-client-key.pem").toAbsolutePath();
    static int port;

    @Override
    public Map<String, String> start() {
        try {
            io.github.ascanalyticssync.sync.TestFiles.deleteTree(ROOT);
            Files.createDirectories(ROOT);
            java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            clientKey = rsa.generateKeyPair();
            Files.createDirectories(CLIENT_KEY_FILE.getParent());
            Files.writeString(CLIENT_KEY_FILE, "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(clientKey.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            server = newServer(0, Path.of("target/test-data/sftp-hostkey.ser").toAbsolutePath());
            server.start();
            port = server.getPort();
            KeyPair hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next();
            writeKnownHosts(KNOWN_HOSTS, port, hostKey.getPublic());
        } catch (Exception e) {
            throw new IllegalStateException("The SFTP server did not start", e);
        }
        String sftp = "camel.kamelet.asc-sftp-sink.sftp.";
        return Map.of(sftp + "host", "127.0.0.1", sftp + "port", Integer.toString(port), sftp + "username", USER, sftp + "password", PASSWORD,
                sftp + "knownHostsFile", KNOWN_HOSTS.toString(), sftp + "directory", "upload");
    }

    static SshServer newServer(int port, Path hostKeyFile) {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(port);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKeyFile));
        sshd.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        sshd.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && clientKey != null && clientKey.getPublic().equals(key));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(ROOT));
        return sshd;
    }

    static void writeKnownHosts(Path file, int port, PublicKey key) throws IOException {
        StringBuilder line = new StringBuilder("[127.0.0.1]:").append(port).append(' ');
        PublicKeyEntry.appendPublicKeyEntry(line, key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, line + "\n");
    }

    /** Stops the server (an outage); {@link #restart()} brings it back on the same port with the same host key. */
    static void stopServer() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void restart() {
        restartWithHostKey(Path.of("target/test-data/sftp-hostkey.ser").toAbsolutePath());
    }

    static void restartWithHostKey(Path hostKey) {
        try {
            server = newServer(port, hostKey);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            try {
                server.stop(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
