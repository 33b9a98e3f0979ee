package dev.flashvec.cli;

/** Entry point of the flashvec command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("hello " + String.join(" ", args) + " " + Runtime.version());
    }
}
