package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkPojo;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step Functions' AWS SDK integrations ({@code arn:aws:states:::aws-sdk:<service>:<action>}) take the
 * AWS SDK for Java v2 member names, PascalCase ({@code Uuid}, not the API's {@code UUID}), and report
 * errors as {@code <Service>.<Name>Exception} with the SDK v2 service and exception class names
 * ({@code DynamoDb.RequestLimitExceededException}); AWS's "AWS SDK service integrations" page. AWS
 * refuses a wrong parameter name and never matches a wrong error name, while moto takes the API's
 * spelling, so this checks the machine against the SDK v2 classes on the classpath. Optimized
 * integrations ({@code arn:aws:states:::lambda:invoke}, ...) keep their own documented error names.
 */
class StateMachineSdkNamesTest {

    private static final Pattern AWS_SDK = Pattern.compile("arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)(\\.[A-Za-z]+)?");

    /** Step Functions' "Handle Lambda service exceptions" best practice and the lambda:invoke page. */
    static final Set<String> LAMBDA_INVOKE_ERRORS = Set.of("Lambda.ServiceException", "Lambda.AWSLambdaException",
            "Lambda.SdkClientException", "Lambda.ClientExecutionTimeoutException",
            "Lambda.TooManyRequestsException", "Lambda.Unknown");

    /** Error names AWS documents for the optimized integrations this machine uses (besides States.*). */
    private static final Map<String, Set<String>> OPTIMIZED_ERRORS = Map.of(
            "arn:aws:states:::lambda:invoke", LAMBDA_INVOKE_ERRORS,
            "arn:aws:states:::lambda:invoke.waitForTaskToken", LAMBDA_INVOKE_ERRORS,
            "arn:aws:states:::sns:publish", Set.of(),
            "arn:aws:states:::events:putEvents", Set.of(),
            "arn:aws:states:::dynamodb:updateItem", Set.of());

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateMachineDefinition machine = StateMachineDefinition.load();

    @Test
    void theMachineUsesSdkIntegrations() {
        assertThat(sdkTasks()).as("aws-sdk tasks in the machine").isNotEmpty();
    }

    @Test
    void everySdkTaskParameterIsAnSdkV2MemberName() throws Exception {
        List<String> problems = new ArrayList<>();
        for (StateMachineDefinition.State task : sdkTasks()) {
            Matcher m = AWS_SDK.matcher(task.resource());
            assertThat(m.matches()).isTrue();
            Class<?> request = Class.forName(modelPackage(m.group(1)) + "." + capitalise(m.group(2)) + "Request");
            checkMembers(task.name() + ".Parameters", task.node().path("Parameters"), request, problems);
        }
        assertThat(problems).as("parameter names that are not AWS SDK for Java v2 member names").isEmpty();
    }

    @Test
    void everyErrorNameMatchesWhatTheIntegrationRaises() {
        List<String> problems = new ArrayList<>();
        for (StateMachineDefinition.State task : machine.tasks()) {
            for (String error : errorNames(task)) {
                if (error.startsWith("States.")) {
                    continue;
                }
                Matcher m = AWS_SDK.matcher(task.resource());
                if (m.matches()) {
                    String problem = sdkErrorProblem(m.group(1), error);
                    if (problem != null) {
                        problems.add(task.name() + ": " + error + ": " + problem);
                    }
                } else if (task.resource().startsWith("arn:aws:states:::lambda:invoke")) {
                    String problem = lambdaInvokeErrorProblem(error);
                    if (problem != null) {
                        problems.add(task.name() + ": " + error + ": " + problem);
                    }
                } else if (!OPTIMIZED_ERRORS.getOrDefault(task.resource(), Set.of()).contains(error)) {
                    problems.add(task.name() + ": " + error + " is not an error AWS documents for " + task.resource());
                }
            }
        }
        assertThat(problems).as("error names no integration raises").isEmpty();
    }

    /** The rule itself, on the names the issue names: the checks above are only as good as this. */
    @Test
    void theCheckKnowsRightFromWrong() throws Exception {
        List<String> problems = new ArrayList<>();
        JsonNode wrong = JSON.readTree("{\"UUID.$\": \"$.x\", \"Enabled\": true}");
        checkMembers("t", wrong, software.amazon.awssdk.services.lambda.model.UpdateEventSourceMappingRequest.class, problems);
        assertThat(problems).singleElement().asString().contains("UUID").contains("Uuid");

        problems.clear();
        JsonNode right = JSON.readTree(
                "{\"TableName\": \"t\", \"SseSpecification\": {\"Enabled\": true}, \"BillingMode\": \"PAY_PER_REQUEST\"}");
        checkMembers("t", right, software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest.class, problems);
        assertThat(problems).isEmpty();
        JsonNode apiSpelling = JSON.readTree("{\"TableName\": \"t\", \"SSESpecification\": {}}");
        checkMembers("t", apiSpelling, software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest.class, problems);
        assertThat(problems).singleElement().asString().contains("SseSpecification");

        assertThat(sdkErrorProblem("dynamodb", "DynamoDb.RequestLimitExceeded")).isNotNull();
        assertThat(sdkErrorProblem("dynamodb", "DynamoDB.RequestLimitExceededException")).isNotNull();
        assertThat(sdkErrorProblem("dynamodb", "DynamoDb.RequestLimitExceededException")).isNull();
        assertThat(sdkErrorProblem("lambda", "Lambda.ResourceInUseException")).isNull();
    }

    private List<StateMachineDefinition.State> sdkTasks() {
        return machine.tasks().stream().filter(t -> AWS_SDK.matcher(t.resource()).matches()).toList();
    }

    private static List<String> errorNames(StateMachineDefinition.State task) {
        List<String> names = new ArrayList<>();
        for (String field : List.of("Retry", "Catch")) {
            task.node().path(field).forEach(r -> r.path("ErrorEquals").forEach(e -> names.add(e.asText())));
        }
        return names;
    }

    /**
     * Null when a lambda:invoke task can raise {@code error}: a documented name, {@code Lambda.<Name>}
     * for an error of the Invoke API (an SDK v2 Lambda exception class), or the function's own error
     * type, which for a Java function is the exception's class name (a Throwable on the classpath).
     */
    private static String lambdaInvokeErrorProblem(String error) {
        if (LAMBDA_INVOKE_ERRORS.contains(error)) {
            return null;
        }
        if (error.startsWith("Lambda.")) {
            return sdkErrorProblem("lambda", error);
        }
        try {
            return Throwable.class.isAssignableFrom(Class.forName(error)) ? null : "not an exception class";
        } catch (ClassNotFoundException e) {
            return "neither a documented Lambda error nor an exception class the function can throw";
        }
    }

    /** Null when {@code error} is what an aws-sdk task of {@code service} can raise, else why not. */
    private static String sdkErrorProblem(String service, String error) {
        int dot = error.indexOf('.');
        if (dot < 0) {
            return "not <Service>.<Name>";
        }
        String prefix = error.substring(0, dot);
        String name = error.substring(dot + 1);
        String clientPackage = "software.amazon.awssdk.services." + service;
        if (!classExists(clientPackage + "." + prefix + "Client")) {
            return "the service part is not the SDK v2 service name (" + clientPackage + "." + prefix + "Client does not exist)";
        }
        String exception = modelPackage(service) + "." + name;
        if (!classExists(exception)) {
            return exception + " does not exist" + (name.endsWith("Exception") ? "" : " (SDK error names end in Exception)");
        }
        try {
            if (!Throwable.class.isAssignableFrom(Class.forName(exception))) {
                return exception + " is not an exception";
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        return null;
    }

    /**
     * Each key (without a trailing {@code .$}) must be a member of the SDK v2 request class: a builder
     * method name, capitalised. Objects given to members whose type is an SDK structure are checked
     * the same way (maps and lists are values, not members, and are left alone).
     */
    private static void checkMembers(String where, JsonNode parameters, Class<?> pojo, List<String> problems) throws Exception {
        Map<String, Method> members = members(pojo);
        var fields = parameters.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String key = field.getKey();
            String member = key.endsWith(".$") ? key.substring(0, key.length() - 2) : key;
            Method setter = members.get(member);
            if (setter == null) {
                String hint = members.keySet().stream().filter(n -> n.equalsIgnoreCase(member)).findFirst()
                        .map(n -> " (the SDK v2 name is " + n + ")").orElse("");
                problems.add(where + "." + key + ": not a member of " + pojo.getName() + hint
                        + "; members: " + String.join(", ", members.keySet()));
            } else if (field.getValue().isObject() && !key.endsWith(".$")
                    && SdkPojo.class.isAssignableFrom(setter.getParameterTypes()[0])) {
                checkMembers(where + "." + member, field.getValue(), setter.getParameterTypes()[0], problems);
            }
        }
    }

    /** SDK v2 member names of a request or structure class: its builder's setters, capitalised. */
    static Map<String, Method> members(Class<?> pojo) throws Exception {
        Class<?> builder = pojo.getMethod("builder").getReturnType();
        Map<String, Method> members = new HashMap<>();
        for (Method m : builder.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1 || m.getName().equals("overrideConfiguration")) {
                continue;
            }
            Class<?> type = m.getParameterTypes()[0];
            if (type.getName().startsWith("java.util.function.")) {
                continue; // the Consumer<Builder> overloads of the same member
            }
            members.putIfAbsent(capitalise(m.getName()), m);
        }
        // An enum collection member has a second setter taking strings, named <member>WithStrings.
        members.keySet().removeIf(n -> n.endsWith("WithStrings") && members.containsKey(n.substring(0, n.length() - "WithStrings".length())));
        int expected = ((SdkPojo) builder.getMethod("build").invoke(pojo.getMethod("builder").invoke(null))).sdkFields().size();
        assertThat(members.keySet()).as("members of " + pojo.getName()).hasSize(expected);
        return members;
    }

    private static String modelPackage(String service) {
        return "software.amazon.awssdk.services." + service + ".model";
    }

    private static String capitalise(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, StateMachineSdkNamesTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
