package io.github.ascanalyticssync.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.sync.TestFiles;

/**
 * A container of the Kubernetes manifests, run without a container engine: the image laid out by its Dockerfile in a
 * scratch folder that stands for the container's file system, the pod's mounts (ConfigMaps, Secrets, volumes) written
 * into it, and the process started with the container's command, working directory and environment, as Kubernetes
 * would start it.
 * <p>
 * <b>Paths.</b> The container's absolute paths (every mount path, the image's folders such as /deployments, the
 * working directory) are rewritten to the same path under the scratch root, consistently in the environment, the
 * command and its arguments, and the mounted text files (.properties, .yaml, .json): {@code /etc/asc/secret/AuthKey.p8}
 * becomes {@code <root>/etc/asc/secret/AuthKey.p8}. Relative paths stay as they are: they resolve against the working
 * directory, which is under the root too. Nothing else of a value changes.
 * <p>
 * <b>What Kubernetes or the image would add.</b> The environment is the image's ENV, then the container's env and
 * envFrom (values from ConfigMaps and Secrets resolved, {@code $(VAR)} expanded), then HOSTNAME (the pod's name), then
 * what the test adds on top; nothing is inherited from the test's own environment but a PATH whose {@code java} is the
 * JVM given. The container's memory and CPU limits reach the JVM as {@code JAVA_TOOL_OPTIONS=-XX:MaxRAM=...
 * -XX:ActiveProcessorCount=...}, as the cgroup limits would. The Dockerfile's RUN steps (the AppCDS or AOT training
 * run) are not run: the JVM starts without the archive, as it does when it cannot map one. USER is not switched to.
 */
final class ContainerRun {

    static final Path PROJECT = Path.of("").toAbsolutePath();

    private ContainerRun() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // The manifests
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The documents {@code kubectl apply -k dir} would send: {@code kubectl kustomize dir}, or {@code kustomize build
     * dir} where only kustomize is installed. Rendered offline, each time (nothing of the manifests is copied here).
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> kustomize(Path dir) {
        List<List<String>> commands = List.of(List.of("kubectl", "kustomize", dir.toString()), List.of("kustomize", "build", dir.toString()));
        StringBuilder tried = new StringBuilder();
        for (List<String> command : commands) {
            try {
                Map.Entry<Integer, String> result = KubernetesManifestsTest.run(PROJECT, command, 60);
                if (result.getKey() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited " + result.getKey() + ":\n" + result.getValue());
                }
                List<Map<String, Object>> docs = new ArrayList<>();
                for (Object doc : new Yaml().loadAll(result.getValue())) {
                    if (doc != null) {
                        docs.add((Map<String, Object>) doc);
                    }
                }
                return docs;
            } catch (IOException notInstalled) {
                tried.append(' ').append(command.get(0)).append(": ").append(notInstalled.getMessage()).append(';');
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("Rendering " + dir + " needs kubectl (kubectl kustomize) or kustomize on the PATH;" + tried);
    }

    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(KubernetesManifestsTest.name(d))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " among " + docs.stream()
                        .map(d -> d.get("kind") + "/" + KubernetesManifestsTest.name(d)).toList()));
    }

    static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> all = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        if (all.size() != 1) {
            throw new AssertionError("one " + kind + " expected, found " + all.size());
        }
        return all.get(0);
    }

    /**
     * k8s/secret.example.yaml with its placeholders filled: the .p8 by the given key file, each {@code <...>} in a
     * .properties entry by the value given for its key. A placeholder with no value given fails (a new one in the example
     * must get a test value).
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> exampleSecret(Path p8, Map<String, String> values) throws IOException {
        Map<String, Object> secret = new Yaml().load(Files.readString(PROJECT.resolve("k8s/secret.example.yaml")));
        Map<String, String> files = (Map<String, String>) secret.get("stringData");
        Map<String, String> filled = new LinkedHashMap<>();
        for (var file : files.entrySet()) {
            String content = file.getValue();
            if (file.getKey().endsWith(".p8")) {
                content = Files.readString(p8);
            } else if (file.getKey().endsWith(".properties")) {
                StringBuilder out = new StringBuilder();
                for (String line : content.split("\n", -1)) {
                    int eq = line.indexOf('=');
                    if (!line.strip().startsWith("#") && eq > 0 && line.substring(eq + 1).contains("<")) {
                        String key = line.substring(0, eq).strip();
                        String value = values.get(key);
                        if (value == null) {
                            throw new AssertionError("k8s/secret.example.yaml: no test value for the placeholder of " + key);
                        }
                        line = key + "=" + value;
                    }
                    out.append(line).append(line.isEmpty() ? "" : "\n");
                }
                content = out.toString();
            }
            if (!file.getKey().endsWith(".p8") && content.lines().filter(l -> !l.strip().startsWith("#")).anyMatch(l -> l.matches(".*<[^>]+>.*"))) {
                throw new AssertionError("k8s/secret.example.yaml: a placeholder left in " + file.getKey() + ":\n" + content);
            }
            filled.put(file.getKey(), content);
        }
        secret.put("stringData", filled);
        return secret;
    }

    // ------------------------------------------------------------------------------------------------------------
    // The image
    // ------------------------------------------------------------------------------------------------------------

    /** What a Dockerfile says about the running container. */
    record Image(Path dockerfile, List<List<String>> copies, Map<String, String> env, String workdir, List<String> entrypoint, List<String> cmd) {

        /** Every folder the image puts files in, as a container path (/deployments). */
        List<String> roots() {
            return copies.stream().map(c -> c.get(c.size() - 1)).map(d -> "/" + Path.of(d).getName(0)).distinct().toList();
        }
    }

    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)'|(\\S*))");

    static Image image(Path dockerfile) throws IOException {
        List<List<String>> copies = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        String workdir = "/";
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        String joined = Files.readString(dockerfile).replaceAll("\\\\\\n", " ");
        for (String line : joined.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String instruction = line.split("\\s+", 2)[0].toUpperCase();
            String rest = line.substring(instruction.length()).strip();
            switch (instruction) {
                case "ENV" -> {
                    Matcher m = ENV_PAIR.matcher(rest);
                    while (m.find()) {
                        String v = m.group(2) != null ? m.group(2).replace("\\\"", "\"") : m.group(3) != null ? m.group(3) : m.group(4);
                        env.put(m.group(1), v);
                    }
                }
                case "COPY" -> copies.add(Stream.of(rest.split("\\s+")).filter(t -> !t.startsWith("--")).toList());
                case "WORKDIR" -> workdir = Path.of(workdir).resolve(rest).normalize().toString();
                case "ENTRYPOINT" -> entrypoint = execForm(rest);
                case "CMD" -> cmd = execForm(rest);
                default -> {
                    // FROM, EXPOSE, LABEL: nothing the process sees; RUN and USER: not done here (see the class comment)
                }
            }
        }
        return new Image(dockerfile, copies, env, workdir, entrypoint, cmd);
    }

    private static List<String> execForm(String rest) throws IOException {
        if (!rest.startsWith("[")) {
            return List.of("/bin/sh", "-c", rest);
        }
        return new ObjectMapper().readValue(rest, new TypeReference<List<String>>() {
        });
    }

    /** The image's files under root, as its COPY lines put them (sources relative to the project, as docker build . reads them). */
    static void layOut(Image image, Path root) throws IOException {
        for (List<String> copy : image.copies()) {
            String dest = copy.get(copy.size() - 1);
            Path target = under(root, dest);
            for (String source : copy.subList(0, copy.size() - 1)) {
                if (source.contains("*")) {
                    Path dir = PROJECT.resolve(source).getParent();
                    PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + Path.of(source).getFileName());
                    Files.createDirectories(target);
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : files.filter(f -> glob.matches(f.getFileName())).toList()) {
                            Files.copy(f, target.resolve(f.getFileName()));
                        }
                    }
                } else if (Files.isDirectory(PROJECT.resolve(source))) {
                    TestFiles.copyTree(PROJECT.resolve(source), target);
                } else {
                    Path to = dest.endsWith("/") ? target.resolve(Path.of(source).getFileName()) : target;
                    Files.createDirectories(to.getParent());
                    Files.copy(PROJECT.resolve(source), to);
                }
            }
        }
        Files.createDirectories(under(root, image.workdir()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // The container
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The first container of a pod template, with what it is started with: env resolved, command and arguments,
     * working directory, and the files of each mount (empty for a volume with no content: emptyDir, a claim).
     */
    record Container(String name, Map<String, String> env, List<String> command, List<String> args, String workingDir,
            Map<String, Map<String, byte[]>> mounts, Map<String, Object> resources) {
    }

    /** The container of a Deployment or CronJob among the rendered documents, every reference resolved in them. */
    @SuppressWarnings("unchecked")
    static Container container(List<Map<String, Object>> docs, Map<String, Object> workload) {
        Map<String, Object> pod = "CronJob".equals(workload.get("kind")) ? KubernetesManifestsTest.at(workload, "spec", "jobTemplate", "spec", "template", "spec")
                : KubernetesManifestsTest.at(workload, "spec", "template", "spec");
        Map<String, Object> c = KubernetesManifestsTest.at(pod, "containers", "0");
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> from : (List<Map<String, Object>>) c.getOrDefault("envFrom", List.of())) {
            String prefix = (String) from.getOrDefault("prefix", "");
            Map<String, Object> ref = from.containsKey("configMapRef") ? (Map<String, Object>) from.get("configMapRef")
                    : (Map<String, Object>) from.get("secretRef");
            Map<String, byte[]> data = from.containsKey("configMapRef") ? configMap(docs, (String) ref.get("name")) : secret(docs, (String) ref.get("name"));
            data.forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
        }
        for (Map<String, Object> var : (List<Map<String, Object>>) c.getOrDefault("env", List.of())) {
            String name = (String) var.get("name");
            Map<String, Object> from = (Map<String, Object>) var.get("valueFrom");
            String value;
            if (from == null) {
                value = expand(var.get("value") == null ? "" : String.valueOf(var.get("value")), env);
            } else if (from.containsKey("configMapKeyRef") || from.containsKey("secretKeyRef")) {
                boolean cm = from.containsKey("configMapKeyRef");
                Map<String, Object> ref = (Map<String, Object>) from.get(cm ? "configMapKeyRef" : "secretKeyRef");
                byte[] bytes = (cm ? configMap(docs, (String) ref.get("name")) : secret(docs, (String) ref.get("name"))).get(ref.get("key"));
                if (bytes == null) {
                    throw new AssertionError("env " + name + ": no key " + ref.get("key") + " in " + ref.get("name"));
                }
                value = new String(bytes, StandardCharsets.UTF_8);
            } else if (from.containsKey("fieldRef")) {
                String field = KubernetesManifestsTest.at(from, "fieldRef", "fieldPath");
                value = switch (field) {
                    case "metadata.name" -> "$(HOSTNAME)";
                    case "metadata.namespace" -> "default";
                    case "status.podIP", "status.hostIP" -> "127.0.0.1";
                    default -> throw new AssertionError("env " + name + ": fieldRef " + field + " is not simulated here");
                };
            } else {
                throw new AssertionError("env " + name + ": " + from.keySet() + " is not simulated here");
            }
            env.put(name, value);
        }
        Map<String, Map<String, byte[]>> volumes = new LinkedHashMap<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) pod.getOrDefault("volumes", List.of())) {
            String name = (String) v.get("name");
            Map<String, byte[]> files;
            if (v.containsKey("configMap")) {
                files = items(configMap(docs, KubernetesManifestsTest.at(v, "configMap", "name")), KubernetesManifestsTest.at(v, "configMap", "items"));
            } else if (v.containsKey("secret")) {
                files = items(secret(docs, KubernetesManifestsTest.at(v, "secret", "secretName")), KubernetesManifestsTest.at(v, "secret", "items"));
            } else if (v.containsKey("emptyDir") || v.containsKey("persistentVolumeClaim")) {
                files = Map.of();
            } else {
                throw new AssertionError("volume " + name + ": " + v.keySet() + " is not simulated here");
            }
            volumes.put(name, files);
        }
        Map<String, Map<String, byte[]>> mounts = new LinkedHashMap<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) c.getOrDefault("volumeMounts", List.of())) {
            Map<String, byte[]> files = volumes.get(m.get("name"));
            if (files == null) {
                throw new AssertionError("volumeMount " + m.get("name") + " names no volume");
            }
            String subPath = (String) m.get("subPath");
            if (subPath != null) {
                // one file of the volume at the mount path itself
                Path mountPath = Path.of((String) m.get("mountPath"));
                mounts.put(mountPath.getParent().toString(), Map.of(mountPath.getFileName().toString(), files.get(subPath)));
            } else {
                mounts.put((String) m.get("mountPath"), files);
            }
        }
        return new Container((String) c.get("name"), env, strings(c.get("command"), env), strings(c.get("args"), env), (String) c.get("workingDir"),
                mounts, (Map<String, Object>) c.getOrDefault("resources", Map.of()));
    }

    /**
     * The container the Camel K operator makes of a self-managed Integration (an image of its own, the jvm trait off, so
     * the image's ENTRYPOINT runs): the environment trait's vars, the mount trait's resources
     * ({@code configmap:<name>[/<key>]@<path>}, {@code secret:...}) and volumes ({@code <claim>:<path>}, empty here), the
     * container trait's limits. Not here: what the operator itself adds to every integration (CAMEL_K_* variables,
     * NAMESPACE, POD_NAME, its own probes and the hot reload of mounted resources), which the image does not read.
     */
    @SuppressWarnings("unchecked")
    static Container camelK(List<Map<String, Object>> docs, Map<String, Object> integration) {
        Map<String, Object> traits = KubernetesManifestsTest.at(integration, "spec", "traits");
        if (Boolean.TRUE.equals(KubernetesManifestsTest.at(traits, "jvm", "enabled"))) {
            throw new AssertionError("the jvm trait on: the operator would build its own java command, not the image's entry point");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String var : list(KubernetesManifestsTest.at(traits, "environment", "vars"))) {
            env.put(var.substring(0, var.indexOf('=')), expand(var.substring(var.indexOf('=') + 1), env));
        }
        Map<String, Map<String, byte[]>> mounts = new LinkedHashMap<>();
        for (String resource : list(KubernetesManifestsTest.at(traits, "mount", "resources"))) {
            Matcher m = Pattern.compile("(configmap|secret):([^/@]+)(?:/([^@]+))?@(.+)").matcher(resource);
            if (!m.matches()) {
                throw new AssertionError("mount resource " + resource + " is not simulated here");
            }
            Map<String, byte[]> data = m.group(1).equals("configmap") ? configMap(docs, m.group(2)) : secret(docs, m.group(2));
            if (m.group(3) != null) {
                Path file = Path.of(m.group(4));
                mounts.put(file.getParent().toString(), Map.of(file.getFileName().toString(), data.get(m.group(3))));
            } else {
                mounts.put(m.group(4), data);
            }
        }
        for (String volume : list(KubernetesManifestsTest.at(traits, "mount", "volumes"))) {
            find(docs, "PersistentVolumeClaim", volume.substring(0, volume.indexOf(':')));
            mounts.put(volume.substring(volume.indexOf(':') + 1), Map.of());
        }
        Map<String, Object> container = KubernetesManifestsTest.at(traits, "container");
        Map<String, Object> limits = new LinkedHashMap<>();
        if (container.get("limitMemory") != null) {
            limits.put("memory", container.get("limitMemory"));
        }
        if (container.get("limitCPU") != null) {
            limits.put("cpu", container.get("limitCPU"));
        }
        return new Container((String) container.getOrDefault("name", "integration"), env, null, null, null, mounts, Map.of("limits", limits));
    }

    private static List<String> list(Object o) {
        return o == null ? List.of() : ((List<?>) o).stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, byte[]> items(Map<String, byte[]> data, Object items) {
        if (items == null) {
            return data;
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map<String, Object> item : (List<Map<String, Object>>) items) {
            out.put((String) item.get("path"), data.get(item.get("key")));
        }
        return out;
    }

    private static List<String> strings(Object list, Map<String, String> env) {
        if (list == null) {
            return null;
        }
        return ((List<?>) list).stream().map(o -> expand(String.valueOf(o), env)).toList();
    }

    private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** Kubernetes' $(VAR) references to variables defined before; others stay as written. */
    static String expand(String value, Map<String, String> env) {
        return VAR_REF.matcher(value).replaceAll(m -> Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
    }

    @SuppressWarnings("unchecked")
    static Map<String, byte[]> configMap(List<Map<String, Object>> docs, String name) {
        Map<String, Object> cm = find(docs, "ConfigMap", name);
        Map<String, byte[]> out = new LinkedHashMap<>();
        ((Map<String, Object>) cm.getOrDefault("data", Map.of())).forEach((k, v) -> out.put(k, String.valueOf(v).getBytes(StandardCharsets.UTF_8)));
        ((Map<String, Object>) cm.getOrDefault("binaryData", Map.of())).forEach((k, v) -> out.put(k, Base64.getMimeDecoder().decode(String.valueOf(v))));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, byte[]> secret(List<Map<String, Object>> docs, String name) {
        Map<String, Object> s = find(docs, "Secret", name);
        Map<String, byte[]> out = new LinkedHashMap<>();
        ((Map<String, Object>) s.getOrDefault("data", Map.of())).forEach((k, v) -> out.put(k, Base64.getMimeDecoder().decode(String.valueOf(v))));
        ((Map<String, Object>) s.getOrDefault("stringData", Map.of())).forEach((k, v) -> out.put(k, String.valueOf(v).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Running it
    // ------------------------------------------------------------------------------------------------------------

    /** A container's file system: the scratch root and the rewriting of the container's absolute paths into it. */
    record Root(Path dir, Pattern containerPaths) {

        static Root of(Path dir, Image image, Container container) {
            List<String> roots = new ArrayList<>(container.mounts().keySet());
            roots.addAll(image.roots());
            roots.add(container.workingDir() != null ? container.workingDir() : image.workdir());
            String alternatives = roots.stream().filter(r -> !r.equals("/")).map(r -> r.replaceAll("/+$", "")).distinct()
                    .sorted(Comparator.comparingInt(String::length).reversed()).map(Pattern::quote).collect(Collectors.joining("|"));
            // a container path: not part of a longer path, word or URL host, and ending at a separator or the value's end
            return new Root(dir, Pattern.compile("(?<![\\w./-])(?:" + alternatives + ")(?=[/\\s,;:\"'*]|$)", Pattern.MULTILINE));
        }

        /** The value with each container path rewritten to its place under the scratch root. */
        String map(String value) {
            return containerPaths.matcher(value).replaceAll(m -> Matcher.quoteReplacement(dir + m.group()));
        }

        Path path(String containerPath) {
            return under(dir, containerPath);
        }
    }

    static Path under(Path root, String containerPath) {
        return root.resolve(containerPath.replaceFirst("^/+", ""));
    }

    /**
     * Lays out the image and the mounts under root and starts the container's process there: command and arguments
     * as Kubernetes joins them with the image's ENTRYPOINT and CMD, in its working directory, with its environment
     * (see the class comment) and {@code extraEnv} on top. Its output goes to {@code <root>/../<pod>.log}.
     */
    static AppProcess.Running start(Path javaHome, Image image, Container container, Root root, String pod, Map<String, String> extraEnv)
            throws IOException {
        layOut(image, root.dir());
        for (var mount : container.mounts().entrySet()) {
            Path dir = Files.createDirectories(root.path(mount.getKey()));
            for (var file : mount.getValue().entrySet()) {
                byte[] bytes = file.getValue();
                if (file.getKey().matches(".*\\.(properties|ya?ml|json|conf)$")) {
                    bytes = root.map(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                Files.createDirectories(dir.resolve(file.getKey()).getParent());
                Files.write(dir.resolve(file.getKey()), bytes);
            }
        }
        List<String> command = new ArrayList<>();
        command.addAll(container.command() != null ? container.command() : image.entrypoint());
        command.addAll(container.args() != null ? container.args() : container.command() != null ? List.of() : image.cmd());
        command.replaceAll(root::map);
        if (command.isEmpty()) {
            throw new AssertionError("neither the container nor " + image.dockerfile() + " says what to run");
        }
        Path workingDir = root.path(container.workingDir() != null ? container.workingDir() : image.workdir());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", javaHome.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        image.env().forEach((k, v) -> env.put(k, root.map(v)));
        env.put("HOSTNAME", pod);
        container.env().forEach((k, v) -> env.put(k, root.map(v.replace("$(HOSTNAME)", pod))));
        String limits = jvmLimits(container.resources());
        if (!limits.isEmpty()) {
            env.put("JAVA_TOOL_OPTIONS", limits);
        }
        env.putAll(extraEnv);
        Path log = root.dir().resolveSibling(pod + ".log");
        builder.redirectOutput(log.toFile());
        Files.writeString(root.dir().resolveSibling(pod + ".command"), String.join(" ", command) + "\n" + new java.util.TreeMap<>(env) + "\n");
        return new AppProcess.Running(builder.start(), log);
    }

    /** The container's limits as the JVM would see them through its cgroup: MaxRAM and ActiveProcessorCount. */
    static String jvmLimits(Map<String, Object> resources) {
        List<String> flags = new ArrayList<>();
        Object memory = KubernetesManifestsTest.at(resources, "limits", "memory");
        if (memory != null) {
            flags.add("-XX:MaxRAM=" + bytes(String.valueOf(memory)));
        }
        Object cpu = KubernetesManifestsTest.at(resources, "limits", "cpu");
        if (cpu != null) {
            String c = String.valueOf(cpu);
            double cores = c.endsWith("m") ? Double.parseDouble(c.substring(0, c.length() - 1)) / 1000 : Double.parseDouble(c);
            flags.add("-XX:ActiveProcessorCount=" + (int) Math.max(1, Math.ceil(cores)));
        }
        return String.join(" ", flags);
    }

    static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|K|M|G)?").matcher(quantity);
        if (!m.matches()) {
            throw new AssertionError("memory limit " + quantity + " is not simulated here");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "K" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n;
        };
    }

    /** A properties file of a mount, as the process reads it. */
    static Properties properties(byte[] content) {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(new String(content, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
