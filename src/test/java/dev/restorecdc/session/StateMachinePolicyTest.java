package dev.restorecdc.session;

import dev.restorecdc.session.StateMachineDefinition.State;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state machine's IAM statements (terraform/modules/workflow/iam.tf,
 * {@code state_machine_policy_statements}) grant exactly the actions its Task states call: nothing
 * unused (least privilege), nothing missing (a state that fails with AccessDenied only in AWS).
 * The HCL is read as text: the list's statements are {@code { sid = ..., actions = [...],
 * resources = [...] }} objects, which a bracket-aware scan finds without an HCL parser.
 */
class StateMachinePolicyTest {

    private static final Path IAM = Path.of("terraform/modules/workflow/iam.tf");
    private static final String LIST = "state_machine_policy_statements";

    /** Optimized integrations whose IAM action is not the API action's name (Step Functions' IAM pages). */
    private static final Map<String, String> OPTIMIZED_ACTIONS = Map.of(
            "lambda:invoke", "lambda:InvokeFunction");
    /** aws-sdk service names whose IAM prefix differs (the SDK's "sfn" is IAM's "states"). */
    private static final Map<String, String> IAM_PREFIXES = Map.of("sfn", "states");

    record Statement(String sid, List<String> actions, String resources) {
    }

    @Test
    void theStatementsGrantExactlyTheActionsTheStatesCall() throws IOException {
        Set<String> called = new TreeSet<>();
        for (State task : StateMachineDefinition.load().tasks()) {
            called.add(iamAction(task.resource()));
        }
        Set<String> granted = new TreeSet<>();
        statements().forEach(s -> granted.addAll(s.actions()));

        assertThat(granted).as("actions granted to the state machine (%s) vs called by its Task states", IAM)
                .containsExactlyInAnyOrderElementsOf(called);
    }

    @Test
    void everyActionIsGrantedOnceAndTheTargetIsDescribedByTheWorkflowFunction() throws IOException {
        List<Statement> statements = statements();
        List<String> all = new ArrayList<>();
        statements.forEach(s -> all.addAll(s.actions()));
        assertThat(all).as("one statement per action").doesNotHaveDuplicates();

        // Step Functions' DynamoDB integration calls the state machine's own region only, and a restore may
        // create its table in another region (restore_regions): the workflow function describes the target
        // where it is, so the state machine reads no table at all.
        assertThat(StateMachineDefinition.load().state("DescribeTarget").node().at("/Parameters/Payload/action").asText())
                .isEqualTo("describeTarget");
        assertThat(all).as("the state machine describes no table itself").doesNotContain("dynamodb:DescribeTable");
    }

    @Test
    void theMappingsAndTheRestAreNamedByArn() throws IOException {
        for (Statement s : statements()) {
            assertThat(s.resources()).as(s.sid() + " resources").doesNotContain("\"*\"");
        }
    }

    @Test
    void theResourceToActionRuleReadsEveryKindOfTask() {
        assertThat(iamAction("arn:aws:states:::lambda:invoke")).isEqualTo("lambda:InvokeFunction");
        assertThat(iamAction("arn:aws:states:::lambda:invoke.waitForTaskToken")).isEqualTo("lambda:InvokeFunction");
        assertThat(iamAction("arn:aws:states:::aws-sdk:lambda:updateEventSourceMapping")).isEqualTo("lambda:UpdateEventSourceMapping");
        assertThat(iamAction("arn:aws:states:::dynamodb:updateItem")).isEqualTo("dynamodb:UpdateItem");
        assertThat(iamAction("arn:aws:states:::events:putEvents")).isEqualTo("events:PutEvents");
        assertThat(iamAction("arn:aws:states:::aws-sdk:sfn:startExecution")).isEqualTo("states:StartExecution");
    }

    /** The IAM action a Task's resource needs: {@code <service>:<Action>}, integration pattern dropped. */
    static String iamAction(String resource) {
        String prefix = "arn:aws:states:::";
        assertThat(resource).as("a service integration").startsWith(prefix);
        String rest = resource.substring(prefix.length());
        if (rest.startsWith("aws-sdk:")) {
            rest = rest.substring("aws-sdk:".length());
        }
        int pattern = rest.indexOf('.');
        if (pattern >= 0) {
            rest = rest.substring(0, pattern); // .sync, .waitForTaskToken
        }
        if (OPTIMIZED_ACTIONS.containsKey(rest)) {
            return OPTIMIZED_ACTIONS.get(rest);
        }
        String[] parts = rest.split(":");
        assertThat(parts).as(resource).hasSize(2);
        return IAM_PREFIXES.getOrDefault(parts[0], parts[0]) + ":" + Character.toUpperCase(parts[1].charAt(0)) + parts[1].substring(1);
    }

    /** The statements of {@code state_machine_policy_statements = [ {...}, ... ]} in iam.tf. */
    static List<Statement> statements() throws IOException {
        String text = stripComments(Files.readString(IAM));
        Matcher start = Pattern.compile("\\b" + LIST + "\\s*=\\s*\\[").matcher(text);
        assertThat(start.find()).as(LIST + " in " + IAM).isTrue();
        String list = text.substring(start.end(), closing(text, start.end() - 1));
        List<Statement> statements = new ArrayList<>();
        int i = 0;
        while ((i = list.indexOf('{', i)) >= 0) {
            int end = closing(list, i);
            Map<String, String> fields = fields(list.substring(i + 1, end));
            statements.add(new Statement(unquote(fields.getOrDefault("sid", "")), strings(fields.get("actions")),
                    fields.getOrDefault("resources", "")));
            i = end + 1;
        }
        assertThat(statements).as("statements in " + LIST).isNotEmpty();
        return statements;
    }

    /** Top-level {@code name = value} pairs of an object body; values may span brackets. */
    private static Map<String, String> fields(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher name = Pattern.compile("(?m)^\\s*([a-z_]+)\\s*=\\s*").matcher(body);
        int from = 0;
        while (name.find(from)) {
            int valueStart = name.end();
            int valueEnd = valueStart;
            char c = body.charAt(valueStart);
            if (c == '[' || c == '{') {
                valueEnd = closing(body, valueStart) + 1;
            } else {
                int newline = body.indexOf('\n', valueStart);
                valueEnd = newline < 0 ? body.length() : newline;
            }
            fields.put(name.group(1), body.substring(valueStart, valueEnd).trim());
            from = valueEnd;
        }
        return fields;
    }

    private static List<String> strings(String list) {
        assertThat(list).as("an actions list").isNotNull().startsWith("[");
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(list);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Index of the bracket closing the one at {@code open}, skipping quoted strings. */
    private static int closing(String text, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '[' || c == '{' || c == '(') {
                depth++;
            } else if (c == ']' || c == '}' || c == ')') {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unbalanced brackets in " + IAM + " from offset " + open);
    }

    /** Drops # and // line comments outside strings (a comment may hold brackets or quotes). */
    private static String stripComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            boolean quoted = false;
            int cut = line.length();
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == '#' || (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/')) {
                    cut = i;
                    break;
                }
            }
            out.append(line, 0, cut).append('\n');
        }
        return out.toString();
    }

    private static String unquote(String s) {
        return s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
