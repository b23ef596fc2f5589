package dev.restorecdc.session;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestoredFromTest {

    private static final String ORDERS = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";

    @Test
    void aRestoreOfTheSourceIsAccepted() {
        assertThatCode(() -> RestoredFrom.requireSource(ORDERS, "orders-restored-1", Optional.of(ORDERS))).doesNotThrowAnyException();
    }

    @Test
    void aRestoreOfAnotherTableIsRefusedNamingBoth() {
        assertThatThrownBy(() -> RestoredFrom.requireSource(ORDERS, "orders-restored-1",
                Optional.of("arn:aws:dynamodb:eu-west-1:123456789012:table/orders-ledger")))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("orders-restored-1 was restored from arn:aws:dynamodb:eu-west-1:123456789012:table/orders-ledger")
                .hasMessageContaining(ORDERS);
    }

    @Test
    void aTableThatIsNoRestoreIsRefused() {
        assertThatThrownBy(() -> RestoredFrom.requireSource(ORDERS, "orders-restored-1", Optional.empty()))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("not a point-in-time restore");
    }
}
