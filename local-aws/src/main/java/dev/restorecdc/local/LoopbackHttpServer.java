package dev.restorecdc.local;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The JDK HTTP servers of the local harness (Runtime API, Invoke endpoint, fault proxy), on a free
 * loopback port with TCP_NODELAY: without it a small response waits for the client's delayed ACK
 * (Nagle), about 40 ms per exchange, which would dwarf every per-call cost we measure.
 */
public final class LoopbackHttpServer {

    static {
        // Read once, when the JDK's server configuration first loads: set before any server exists.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private LoopbackHttpServer() {
    }

    public static HttpServer create(int backlog) {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port", e);
        }
    }
}
