// A tiny custom runtime for testing the local Lambda service itself (java FakeRuntime.java):
// it speaks the Lambda Runtime API and does what the payload asks, so timeouts, crashes and
// errors can be provoked without the real artefact. Not part of any Lambda package.
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class FakeRuntime {

    public static void main(String[] args) throws Exception {
        String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/";
        if (System.getenv("FAKE_INIT_ERROR") != null) {
            post(api + "init/error", "{\"errorType\":\"Runtime.Init\",\"errorMessage\":\"" + System.getenv("FAKE_INIT_ERROR") + "\"}");
            System.exit(1);
        }
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(api + "invocation/next").openConnection();
            next.setReadTimeout(0);
            if (next.getResponseCode() != 200) {
                return;
            }
            String requestId = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String deadline = next.getHeaderField("Lambda-Runtime-Deadline-Ms");
            String arn = next.getHeaderField("Lambda-Runtime-Invoked-Function-Arn");
            String trace = next.getHeaderField("Lambda-Runtime-Trace-Id");
            String payload;
            try (InputStream in = next.getInputStream()) {
                payload = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            System.out.println("fake runtime got " + requestId + " " + payload);
            String recordDir = System.getenv("FAKE_RECORD_DIR");
            if (recordDir != null && payload.contains("\"Records\"")) {
                // Stream/queue events: record what was delivered, answer as a batch handler would
                // (a tumbling window's final invocation, without records, is answered, not recorded).
                if (payload.replace(" ", "").contains("\"Records\":[]")) {
                    post(api + "invocation/" + requestId + "/response", "{\"state\":{},\"batchItemFailures\":[]}");
                    continue;
                }
                long startedAt = System.currentTimeMillis();
                String batchSleep = System.getenv("FAKE_BATCH_SLEEP_MS");
                if (batchSleep != null) {
                    // Queue batches that take a while, so concurrent ones overlap; each batch's span is recorded.
                    String slowMark = System.getenv("FAKE_SLOW_MARK");
                    boolean slow = slowMark != null && payload.contains(slowMark);
                    Thread.sleep(Long.parseLong(slow ? System.getenv("FAKE_SLOW_SLEEP_MS") : batchSleep));
                    synchronized (FakeRuntime.class) {
                        java.nio.file.Files.writeString(java.nio.file.Path.of(recordDir, System.getenv("AWS_LAMBDA_FUNCTION_NAME") + ".spans"),
                                startedAt + " " + System.currentTimeMillis() + " " + payload.replace("\n", " ") + "\n",
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    }
                }
                java.nio.file.Files.writeString(java.nio.file.Path.of(recordDir, System.getenv("AWS_LAMBDA_FUNCTION_NAME") + ".jsonl"),
                        payload.replace("\n", " ") + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                post(api + "invocation/" + requestId + "/response", batchResponse(payload, recordDir));
                continue;
            }
            String sleep = field(payload, "sleep");
            if (sleep != null) {
                Thread.sleep(Long.parseLong(sleep));
            }
            String exit = field(payload, "exit");
            if (exit != null) {
                System.exit(Integer.parseInt(exit));
            }
            String fail = field(payload, "fail");
            if (fail != null) {
                post(api + "invocation/" + requestId + "/error", "{\"errorType\":\"Boom\",\"errorMessage\":\"" + fail + "\"}");
                continue;
            }
            String env = field(payload, "env");
            String value = env == null ? null : System.getenv(env);
            post(api + "invocation/" + requestId + "/response", "{\"requestId\":\"" + requestId + "\",\"deadlineMs\":" + deadline
                    + ",\"arn\":\"" + arn + "\",\"trace\":\"" + trace + "\",\"pid\":" + ProcessHandle.current().pid()
                    + ",\"env\":" + (value == null ? "null" : "\"" + value + "\"") + ",\"payload\":" + payload + "}");
        }
    }

    /**
     * FAKE_FAIL_ONCE_AT=k: the first batch with more than k records reports its k-th (0-based) record failed; once.
     * Every answer carries a {@code state} (a tumbling window needs one) unless FAKE_NO_STATE_ONCE is set: then
     * the first answer has none, once.
     */
    private static String batchResponse(String payload, String recordDir) throws Exception {
        java.nio.file.Path stateless = java.nio.file.Path.of(recordDir, System.getenv("AWS_LAMBDA_FUNCTION_NAME") + ".no-state-once");
        if (System.getenv("FAKE_NO_STATE_ONCE") != null && !java.nio.file.Files.exists(stateless)) {
            java.nio.file.Files.writeString(stateless, "done");
            return "{\"batchItemFailures\":[]}";
        }
        return "{\"state\":{\"batches\":\"1\"}," + batchFailures(payload, recordDir).substring(1);
    }

    private static String batchFailures(String payload, String recordDir) throws Exception {
        String failAt = System.getenv("FAKE_FAIL_ONCE_AT");
        java.nio.file.Path marker = java.nio.file.Path.of(recordDir, System.getenv("AWS_LAMBDA_FUNCTION_NAME") + ".failed-once");
        if (failAt != null && !java.nio.file.Files.exists(marker)) {
            Matcher m = Pattern.compile("\"SequenceNumber\"\\s*:\\s*\"(\\d+)\"").matcher(payload);
            java.util.List<String> sequences = new java.util.ArrayList<>();
            while (m.find()) {
                sequences.add(m.group(1));
            }
            int k = Integer.parseInt(failAt);
            if (sequences.size() > k) {
                java.nio.file.Files.writeString(marker, sequences.get(k));
                return "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + sequences.get(k) + "\"}]}";
            }
        }
        return "{\"batchItemFailures\":[]}";
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static void post(String url, String body) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        c.getResponseCode();
        c.disconnect();
    }
}
