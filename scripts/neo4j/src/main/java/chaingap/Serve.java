package chaingap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A real Neo4j Community 5.26 server in this JVM (neo4j-harness), for chain-gap's live tests.
 *
 * <p>Bolt listens on 127.0.0.1 only (port from {@code --port}, 0 = a free one), authentication is on and
 * the {@code neo4j} user's password is {@code NEO4J_PASSWORD} from the environment (never an argument, so
 * it stays out of {@code ps}). When the server answers, {@code bolt://127.0.0.1:PORT} is printed on stdout
 * and written atomically to {@code --uri-file}. The server runs until the JVM is terminated (SIGTERM/SIGINT
 * close the databases cleanly) or, with {@code --stop-on-stdin-eof}, until its standard input closes, so a
 * parent that dies without cleaning up cannot leave the JVM behind; that stop is immediate (no checkpoint),
 * for a store the parent throws away.
 *
 * <p>{@code --copy-from DIR} serves databases written beforehand (DIR is a Neo4j home: {@code data/databases/NAME},
 * {@code data/transactions/NAME}, e.g. as {@code org.neo4j.cli.AdminTool database import full} leaves it).
 */
public final class Serve {
    private Serve() {}

    private static void usage(String problem) {
        System.err.println("chain-gap-neo4j: " + problem);
        System.err.println(
                "usage: NEO4J_PASSWORD=... java -cp ... chaingap.Serve --work DIR [--port N] [--uri-file FILE]"
                        + " [--copy-from DIR] [--stop-on-stdin-eof]");
        System.exit(2);
    }

    public static void main(String[] args) throws Exception {
        Path work = null;
        Path uriFile = null;
        Path copyFrom = null;
        int port = 0;
        boolean stdinEof = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--work" -> work = Path.of(next(args, ++i, a));
                case "--uri-file" -> uriFile = Path.of(next(args, ++i, a));
                case "--copy-from" -> copyFrom = Path.of(next(args, ++i, a));
                case "--port" -> port = Integer.parseInt(next(args, ++i, a));
                case "--stop-on-stdin-eof" -> stdinEof = true;
                default -> usage("unknown argument " + a);
            }
        }
        if (work == null) {
            usage("--work DIR is required");
        }
        Map<String, String> env = System.getenv();
        String password = env.get("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            usage("set NEO4J_PASSWORD (at least 8 characters) in the environment");
        }
        Files.createDirectories(work);

        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(work)
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024);
        if (copyFrom != null) {
            builder = builder.copyFrom(copyFrom);
        }
        long t0 = System.nanoTime();
        Neo4j neo4j = builder.build();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            neo4j.close();
            stop.countDown();
        }, "chain-gap-neo4j-shutdown"));

        // The harness starts with the default neo4j/neo4j user; set the password before anyone can connect
        // with it (the URI is published only afterwards).
        neo4j.databaseManagementService()
                .database("system")
                .executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));

        String uri = "bolt://127.0.0.1:" + neo4j.boltURI().getPort();
        if (uriFile != null) {
            Path tmp = uriFile.resolveSibling(uriFile.getFileName() + ".tmp");
            Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, uriFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println(uri);
        System.out.flush();
        System.err.printf("chain-gap-neo4j: Neo4j %s up at %s in %.1f s%n",
                org.neo4j.kernel.internal.Version.getNeo4jVersion(), uri, (System.nanoTime() - t0) / 1e9);

        if (stdinEof) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    while (in.read() != -1) {
                        // ignore input; only its end matters
                    }
                } catch (IOException ignored) {
                    // a broken pipe is an end too
                }
                // The parent is done with this throwaway store (it deletes the folder): stop at once, without
                // the checkpoint and clean close that a shutdown hook would spend ~10 s on.
                Runtime.getRuntime().halt(0);
            }, "chain-gap-neo4j-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stop.await();
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) {
            usage(flag + " needs a value");
        }
        return args[i];
    }
}
