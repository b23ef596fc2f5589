package dev.restorecdc.cli;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import dev.restorecdc.cdc.DynamoNumbers;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares two items by value, the way DynamoDB means them: sets are unordered, numbers are
 * numbers ("1.50" equals "1.5"), binaries by their bytes. {@link AttributeValue#equals} compares
 * the SDK objects, so a set read back in another order would look different.
 */
final class ItemDiff {

    private ItemDiff() {
    }

    /** Names of the attributes whose values differ (or exist on one side only), sorted. */
    static List<String> differingAttributes(Map<String, AttributeValue> a, Map<String, AttributeValue> b) {
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        List<String> differing = new ArrayList<>();
        for (String name : names) {
            AttributeValue left = a.get(name);
            AttributeValue right = b.get(name);
            if (left == null || right == null || !Objects.equals(normal(left), normal(right))) {
                differing.add(name);
            }
        }
        return differing;
    }

    private static Object normal(AttributeValue value) {
        return switch (value.type()) {
            case S -> "S:" + value.s();
            case N -> "N:" + number(value.n());
            case B -> "B:" + Base64.getEncoder().encodeToString(value.b().asByteArray());
            case BOOL -> "BOOL:" + value.bool();
            case NUL -> "NULL";
            case SS -> List.of("SS", new TreeSet<>(value.ss()));
            case NS -> List.of("NS", new TreeSet<>(value.ns().stream().map(ItemDiff::number).toList()));
            case BS -> List.of("BS", new TreeSet<>(value.bs().stream()
                    .map(b -> Base64.getEncoder().encodeToString(b.asByteArray())).toList()));
            case L -> List.of("L", value.l().stream().map(ItemDiff::normal).toList());
            case M -> {
                Map<String, Object> map = new TreeMap<>();
                value.m().forEach((k, v) -> map.put(k, normal(v)));
                yield List.of("M", map);
            }
            default -> "?" + value;
        };
    }

    private static String number(String text) {
        try {
            return DynamoNumbers.canonical(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
