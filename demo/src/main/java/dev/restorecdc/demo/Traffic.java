package dev.restorecdc.demo;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live application traffic on the source table: several writers doing puts, partial updates
 * (UpdateItem SET / REMOVE / ADD on numbers and sets) and deletes of items with every attribute type
 * (some near DynamoDB's 400 KB limit), and the reference model that says what every key must hold.
 * Each writer owns its own keys, so the order of one key's writes is the order its writer made them.
 *
 * <p>The model follows the undo's replay rules (README, "Two replay semantics"): from the item at the
 * restore point T, each write made after the restore request applies what it did, an INSERT puts, a
 * REMOVE deletes, a MODIFY sets the attributes it added or changed and removes those it removed (a
 * MODIFY of an item the restore lacks puts the whole new item), so attributes only the undone window
 * touched keep their value at T.
 */
final class Traffic implements AutoCloseable {

    /** The model of one key: its state at the restore point T, and its state with the writes since R applied. */
    static final class KeyModel {
        Map<String, AttributeValue> atRestorePoint;
        Map<String, AttributeValue> current;
        /** The restored item as an undo's change replay leaves it: T, then what each write since R did. */
        Map<String, AttributeValue> replayed;
        boolean writtenSinceRequest;

        Map<String, AttributeValue> expected() {
            return writtenSinceRequest ? replayed : atRestorePoint;
        }

        /** The source went from {@code current} to {@code after} (null: no item) by one write. */
        void wrote(Map<String, AttributeValue> after, boolean sinceRequest) {
            if (sinceRequest) {
                replayed = applyChange(replayed, current, after);
                writtenSinceRequest = true;
            }
            current = after;
        }
    }

    /** The undo's replay rule for one change from {@code before} to {@code after}, applied to {@code target}. */
    static Map<String, AttributeValue> applyChange(Map<String, AttributeValue> target, Map<String, AttributeValue> before,
                                                   Map<String, AttributeValue> after) {
        if (after == null) {
            return null; // REMOVE
        }
        if (before == null || target == null) {
            return after; // INSERT, or a MODIFY of an item the restore lacks: the whole new item
        }
        Map<String, AttributeValue> result = new HashMap<>(target);
        after.forEach((name, value) -> {
            if (!before.containsKey(name) || !Verification.sameValue(before.get(name), value)) {
                result.put(name, value);
            }
        });
        before.keySet().stream().filter(name -> !after.containsKey(name)).forEach(result::remove);
        return result;
    }

    enum Phase { BEFORE_RESTORE_POINT, PAUSED, AFTER_REQUEST }

    private final DynamoDbClient dynamo;
    private final String table;
    private final int writers;
    private final int keysPerWriter;
    private final long pauseMillis;
    private final Map<String, KeyModel> model = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong writes = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Object gate = new Object();
    private volatile Phase phase = Phase.BEFORE_RESTORE_POINT;
    private int idleWriters;
    private volatile Instant lastWriteAt = Instant.EPOCH;

    Traffic(DynamoDbClient dynamo, String table, int writers, int keysPerWriter, long pauseMillis) {
        this.dynamo = dynamo;
        this.table = table;
        this.writers = writers;
        this.keysPerWriter = keysPerWriter;
        this.pauseMillis = pauseMillis;
    }

    void start() {
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> write(writer), "writer-" + w);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops every writer between two writes and waits until all are idle: the table is still. */
    void pause() {
        synchronized (gate) {
            phase = Phase.PAUSED;
            while (idleWriters < writers) {
                waitOn();
            }
        }
    }

    /** The restore point has passed: every key's current state is its state at T. */
    void markRestorePoint() {
        model.values().forEach(key -> {
            key.atRestorePoint = key.current;
            key.replayed = key.current;
        });
    }

    /** The restore was requested: writes from now on must reach the restored table. */
    void resumeAfterRequest() {
        synchronized (gate) {
            phase = Phase.AFTER_REQUEST;
            gate.notifyAll();
        }
    }

    /** Changes made between T and R, which the restore is meant to undo: never replayed. */
    int badWrites(int count, Random random) {
        List<String> keys = new ArrayList<>(model.keySet());
        for (int i = 0; i < count && !keys.isEmpty(); i++) {
            String pk = keys.get(random.nextInt(keys.size()));
            if (i % 3 == 0) {
                dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))));
                model.get(pk).current = null;
            } else {
                Map<String, AttributeValue> item = new HashMap<>(Map.of("pk", AttributeValue.fromS(pk),
                        "bad", AttributeValue.fromS("written between T and R")));
                dynamo.putItem(b -> b.tableName(table).item(item));
                model.get(pk).current = item;
            }
            writes.incrementAndGet();
            lastWriteAt = Instant.now();
        }
        return count;
    }

    Map<String, KeyModel> model() {
        return model;
    }

    long writes() {
        return writes.get();
    }

    Instant lastWriteAt() {
        return lastWriteAt;
    }

    @Override
    public void close() {
        running.set(false);
        synchronized (gate) {
            gate.notifyAll();
        }
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void write(int writer) {
        Random random = new Random(1000L + writer);
        long n = 0;
        while (running.get()) {
            awaitWritingAllowed();
            if (!running.get()) {
                return;
            }
            String pk = "w" + writer + "-k" + random.nextInt(keysPerWriter);
            KeyModel key = model.computeIfAbsent(pk, k -> new KeyModel());
            int dice = random.nextInt(10);
            boolean sinceRequest = phase == Phase.AFTER_REQUEST;
            if (dice == 0 && key.current != null) {
                dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))));
                key.wrote(null, sinceRequest);
            } else if (dice >= 6 && key.current != null) {
                key.wrote(partialUpdate(pk, random, n, key.current.containsKey("address")), sinceRequest);
            } else {
                Map<String, AttributeValue> item = item(pk, random, n, dice == 1 && n % 7 == 0);
                dynamo.putItem(b -> b.tableName(table).item(item));
                key.wrote(item, sinceRequest);
            }
            writes.incrementAndGet();
            lastWriteAt = Instant.now();
            n++;
            sleep(pauseMillis);
        }
    }

    /**
     * The partial updates applications make: SET of one attribute, REMOVE of another, ADD to a number
     * and to a set; returns the item as DynamoDB left it (ReturnValues ALL_NEW), for the model.
     */
    private Map<String, AttributeValue> partialUpdate(String pk, Random random, long version, boolean hasAddress) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":v", AttributeValue.fromN(Long.toString(version)));
        // Every name through #placeholders: DynamoDB reserves hundreds of words.
        String expression = switch (random.nextInt(4)) {
            case 0 -> "SET #version = :v, #stock = if_not_exists(#stock, :zero) REMOVE #nickname";
            case 1 -> "SET #version = :v ADD #visits :one, #tags :tag";
            // A nested SET needs its map: an item a bad write replaced has none.
            case 2 -> hasAddress ? "SET #version = :v, #address.#city = :city REMOVE #avatar"
                    : "SET #version = :v, #address = :address REMOVE #avatar";
            default -> "SET #version = :v ADD #scores :score";
        };
        Map<String, String> names = new HashMap<>();
        for (String name : List.of("version", "stock", "nickname", "visits", "tags", "address", "city", "avatar", "scores")) {
            if (expression.contains("#" + name + " ") || expression.contains("#" + name + ".")
                    || expression.contains("#" + name + ",") || expression.contains("#" + name + ")") || expression.endsWith("#" + name)) {
                names.put("#" + name, name);
            }
        }
        if (expression.contains(":zero")) {
            values.put(":zero", AttributeValue.fromN("0"));
        }
        if (expression.contains(":one")) {
            values.put(":one", AttributeValue.fromN(Integer.toString(1 + random.nextInt(3))));
            values.put(":tag", AttributeValue.fromSs(List.of("p" + random.nextInt(4))));
        }
        if (expression.contains(":city")) {
            values.put(":city", AttributeValue.fromS(random.nextBoolean() ? "Porto" : "Faro"));
        }
        if (expression.contains(":address")) {
            values.put(":address", AttributeValue.fromM(Map.of("city", AttributeValue.fromS("Braga"))));
        }
        if (expression.contains(":score")) {
            values.put(":score", AttributeValue.fromNs(List.of(Integer.toString(100 + random.nextInt(50)))));
        }
        return dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk)))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes();
    }

    private void awaitWritingAllowed() {
        synchronized (gate) {
            if (phase != Phase.PAUSED) {
                return;
            }
            idleWriters++;
            gate.notifyAll();
            while (phase == Phase.PAUSED && running.get()) {
                waitOn();
            }
            idleWriters--;
        }
    }

    /** An item with every DynamoDB type; a large one carries ~380 KB, close to the 400 KB limit. */
    static Map<String, AttributeValue> item(String pk, Random random, long version, boolean large) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(pk));
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        item.put("name", AttributeValue.fromS("customer " + random.nextInt(10_000) + " – ünïcödé"));
        item.put("active", AttributeValue.fromBool(random.nextBoolean()));
        item.put("nickname", AttributeValue.fromNul(true));
        item.put("avatar", AttributeValue.fromB(SdkBytes.fromByteArray(bytes(random, 16))));
        item.put("tags", AttributeValue.fromSs(List.of("t" + random.nextInt(5), "u" + random.nextInt(5) + "x")));
        item.put("scores", AttributeValue.fromNs(List.of(Integer.toString(random.nextInt(100)), "3.25")));
        item.put("chunks", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(bytes(random, 4)),
                SdkBytes.fromByteArray(new byte[] {9, 9, 9, 9, 9}))));
        item.put("history", AttributeValue.fromL(List.of(AttributeValue.fromS("v" + version),
                AttributeValue.fromN(Long.toString(version * 2)))));
        item.put("address", AttributeValue.fromM(Map.of("city", AttributeValue.fromS("Lisbon"),
                "zip", AttributeValue.fromN(Integer.toString(1000 + random.nextInt(900))))));
        if (large) {
            item.put("document", AttributeValue.fromS("x".repeat(380 * 1024)));
        }
        return item;
    }

    private static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private void waitOn() {
        try {
            gate.wait(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
