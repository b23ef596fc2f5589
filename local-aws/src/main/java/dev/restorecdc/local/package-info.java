/**
 * The local AWS (test scope, never in the Lambda package): moto through {@link dev.restorecdc.local.Emulator},
 * plus what moto lacks, so the real artefact runs as it does in AWS.
 *
 * <p>Entry point: {@link dev.restorecdc.local.LocalAws} starts the emulator with its Lambda Invoke
 * forwarded to {@link dev.restorecdc.local.LambdaService}, the Lambda service, and
 * {@link dev.restorecdc.local.EventSourceMappings}; {@code deploy} runs
 * {@link dev.restorecdc.local.LocalDeployment} (Terraform's resources and names, from
 * config/deployment-defaults.json and the two templates) and starts the
 * {@link dev.restorecdc.local.RestoreEventHop}. Process output goes to target/local-lambda/.
 *
 * <h2>With AWS semantics</h2>
 * <ul>
 *   <li>Runtime API per execution environment (bin/lambda-runtime processes): next / response /
 *       error / init error, request id, deadline from the function's timeout, function ARN, trace id;
 *       a timed-out invocation fails with "Task timed out after N.00 seconds" and its environment is
 *       killed; an environment that dies fails its invocation (Runtime.ExitError) and is replaced on
 *       the next invoke. The function's environment is its configuration in the emulator's Lambda API.</li>
 *   <li>DynamoDB stream mapping: state read from the Lambda API (enable/disable take effect between
 *       batches), shards parents first, starting position the first time, batch size, partial batch
 *       response (resume at the earliest reported record, invalid identifiers fail the batch), function
 *       errors retry the batch, maximum retry attempts -1 never skips, position kept across
 *       disable/enable, event shaped as AWS sends it (whole-second ApproximateCreationDateTime).</li>
 *   <li>SQS mapping: up to min(batch size, 10) messages with all attributes, delete only what
 *       succeeded, failures return after the visibility timeout; the DLQ move is SQS's own (moto
 *       moves a message once its receive count reaches maxReceiveCount, on receive, as SQS does).</li>
 *   <li>EventBridge matching: moto's matcher on the rendered pattern; the execution input is the
 *       whole event, as for a Step Functions target.</li>
 * </ul>
 *
 * <h2>Different from AWS</h2>
 * <ul>
 *   <li>Environments per function up to RCDC_LAMBDA_CONCURRENCY (default 1, each a JVM), not the
 *       account's concurrency; the SQS mapping runs up to its maximum concurrency batches, the stream
 *       mapping up to its parallelization factor batches per shard (lanes by partition key, not per
 *       item; not with a tumbling window); shards are read one after the other.</li>
 *   <li>No batching window (a batch is whatever GetRecords / ReceiveMessage returned), no 6 MB
 *       payload cap, no maximum record age, no on-failure destination; bisect-on-error halves the
 *       next read instead of retrying both halves; retry backoff is 0.1–2 s.</li>
 *   <li>LastProcessingResult and iterator age are not reported back to the mapping.</li>
 *   <li>Init has no 10-second limit; an invoke waits up to the timeout + 120 s for an environment.</li>
 *   <li>Event invocations (InvocationType Event) are queued but not retried on error.</li>
 *   <li>The rule's target is a queue that the hop reads (moto's EventBridge cannot target Step
 *       Functions), adding the "account" field moto leaves out of delivered events.</li>
 *   <li>The stream keeps every record (no 24-hour trim); iterators never expire in moto.</li>
 * </ul>
 */
package dev.restorecdc.local;
