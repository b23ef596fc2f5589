package dev.restorecdc.cli;

/**
 * One doctor finding.
 *
 * @param name    what was checked
 * @param verdict ok, warn or FAIL
 * @param detail  what was found
 * @param fix     what to do about it (empty when ok)
 */
record Check(String name, Verdict verdict, String detail, String fix) {

    enum Verdict {
        OK("ok"), WARN("warn"), FAIL("FAIL");

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    static Check ok(String name, String detail) {
        return new Check(name, Verdict.OK, detail, "");
    }

    static Check warn(String name, String detail, String fix) {
        return new Check(name, Verdict.WARN, detail, fix);
    }

    static Check fail(String name, String detail, String fix) {
        return new Check(name, Verdict.FAIL, detail, fix);
    }
}
