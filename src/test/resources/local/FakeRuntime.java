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
