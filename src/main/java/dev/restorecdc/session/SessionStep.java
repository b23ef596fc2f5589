package dev.restorecdc.session;

/**
 * One step of the restore session that needs code: the state machine invokes the workflow function
 * with {@code {"action": <action()>, "config": {...}, "session_id": ..., ...}} and reads the output
 * (the task's {@code Payload}) with fixed field names (src/main/statemachine/restore-session.asl.json).
 *
 * @param <I> the step's input, bound from the task's JSON (snake_case names)
 * @param <O> the step's output, written as the task's JSON (snake_case names, nulls included: the
 *            state machine's ResultSelector needs every field present)
 */
public interface SessionStep<I, O> {

    /** The {@code action} the state machine names this step by. */
    String action();

    Class<I> inputType();

    O run(I input);
}
