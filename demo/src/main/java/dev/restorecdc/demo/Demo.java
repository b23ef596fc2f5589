package dev.restorecdc.demo;

/** {@code make demo}: plays the whole restore story locally and exits non-zero unless the result is exact. */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) {
        DemoStory.Options options = args.length > 0 && args[0].equals("--quick")
                ? DemoStory.Options.quick() : DemoStory.Options.standard();
        Verification.Report report;
        try {
            report = new DemoStory(options, System.out).play();
        } catch (RuntimeException e) {
            System.out.println("DEMO FAILED: " + e.getMessage());
            System.out.println("function logs: target/local-lambda/");
            System.exit(2);
            return;
        }
        System.out.println("VERIFICATION " + (report.clean() ? "OK" : "FAILED") + ": " + report.summary());
        System.exit(report.clean() ? 0 : 1);
    }
}
