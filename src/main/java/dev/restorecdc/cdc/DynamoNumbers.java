package dev.restorecdc.cdc;

import java.math.BigDecimal;

/** DynamoDB numbers compare by value: "1.50", "1.5" and "15E-1" are one number. */
public final class DynamoNumbers {

    private DynamoNumbers() {
    }

    /**
     * The canonical text of a DynamoDB number: no exponent, no trailing fraction zeros, "0" for any zero.
     *
     * @throws NumberFormatException when the text is not a number
     */
    public static String canonical(String number) {
        BigDecimal parsed = new BigDecimal(number);
        return parsed.signum() == 0 ? "0" : parsed.stripTrailingZeros().toPlainString();
    }
}
