package im.original;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.emitter.Emitter;
import io.socket.engineio.client.Transport;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * One device of a client of the original protocol's era, on socket.io-client-java 1.0.x, driven
 * by a test over standard input and output, one JSON object a line each way.
 *
 * <p>Commands (stdin):
 * <ul>
 *   <li>{@code {"op":"connect","url":"http://...","token":"...","transports":["websocket"],"autoAck":true}}:
 *       the token goes in the handshake query, as the original clients did ({@code IO.Options.query});
 *       no deviceId, no devType. {@code transports} left out is the library's own default (polling, then upgrade).</li>
 *   <li>{@code {"op":"send","id":7,"event":"chat","payload":"{...}"}}: emits the payload as it is (a JSON
 *       string stays a Java String, as the original clients sent their ImMessages) with an ack callback.</li>
 *   <li>{@code {"op":"autoAck","value":false}}: from now on downlinks are not acknowledged.</li>
 *   <li>{@code {"op":"close"}} (or the end of stdin): closes the socket and exits.</li>
 * </ul>
 *
 * <p>Events (stdout): {@code started} (with the library's version), {@code connect}, {@code transport}
 * (its name), {@code ready}, {@code chat} (the downlink and whether it was acknowledged), {@code ack}
 * (the id of the send and the server's answer), {@code kicked}, {@code im_error}, {@code disconnect},
 * {@code error}, {@code connect_error}, {@code fatal}; each with {@code args}, the event's arguments.
 */
public final class OriginalClient {
  private static final PrintStream OUT = System.out;
  private static final Object LOCK = new Object();

  private volatile Socket socket;
  private volatile boolean autoAck = true;

  public static void main(String[] argv) throws Exception {
    new OriginalClient().run();
  }

  private void run() throws Exception {
    print(event("started").put("library", "socket.io-client-java " + libraryVersion()).put("java", System.getProperty("java.version")));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.trim().isEmpty()) continue;
      try {
        if (!command(new JSONObject(line))) break;
      } catch (Exception e) {
        print(event("fatal").put("error", String.valueOf(e)));
      }
    }
    Socket s = socket;
    if (s != null) s.close();
    print(event("closed"));
    OUT.flush();
    // OkHttp's threads would keep the JVM alive for a while.
    System.exit(0);
  }

  /** Returns false to stop. */
  private boolean command(JSONObject cmd) throws Exception {
    String op = cmd.getString("op");
    switch (op) {
      case "connect":
        connect(cmd);
        return true;
      case "send":
        send(cmd.getInt("id"), cmd.optString("event", "chat"), cmd.get("payload"));
        return true;
      case "autoAck":
        autoAck = cmd.getBoolean("value");
        return true;
      case "close":
        return false;
      default:
        throw new IllegalArgumentException("unknown op " + op);
    }
  }

  private void connect(JSONObject cmd) throws Exception {
    IO.Options options = new IO.Options();
    options.forceNew = true;
    options.reconnection = false;
    options.query = "token=" + URLEncoder.encode(cmd.getString("token"), "UTF-8");
    JSONArray transports = cmd.optJSONArray("transports");
    if (transports != null) {
      options.transports = new String[transports.length()];
      for (int i = 0; i < transports.length(); i++) options.transports[i] = transports.getString(i);
    }
    autoAck = cmd.optBoolean("autoAck", true);
    final Socket s = IO.socket(cmd.getString("url"), options);
    socket = s;
    s.io().on(Manager.EVENT_TRANSPORT, new Emitter.Listener() {
      @Override
      public void call(Object... args) {
        Object t = args.length > 0 ? args[0] : null;
        print(event("transport").put("name", t instanceof Transport ? ((Transport) t).name : String.valueOf(t)));
      }
    });
    s.on("chat", new Emitter.Listener() {
      @Override
      public void call(Object... args) {
        Ack ack = args.length > 0 && args[args.length - 1] instanceof Ack ? (Ack) args[args.length - 1] : null;
        boolean acked = ack != null && autoAck;
        // The original clients answered with an empty ack.
        if (acked) ack.call();
        print(event("chat").put("args", json(args)).put("acked", acked).put("hadAck", ack != null));
      }
    });
    for (final String name : new String[] {Socket.EVENT_CONNECT, "ready", "kicked", "im_error", Socket.EVENT_DISCONNECT, Socket.EVENT_ERROR, Socket.EVENT_CONNECT_ERROR}) {
      s.on(name, new Emitter.Listener() {
        @Override
        public void call(Object... args) {
          print(event(name).put("args", json(args)));
        }
      });
    }
    s.connect();
  }

  private void send(final int id, String eventName, Object payload) {
    Socket s = socket;
    if (s == null) throw new IllegalStateException("send before connect");
    s.emit(eventName, new Object[] {payload}, new Ack() {
      @Override
      public void call(Object... args) {
        print(event("ack").put("id", id).put("args", json(args)));
      }
    });
  }

  private static String libraryVersion() {
    try (InputStream in = OriginalClient.class.getResourceAsStream("/META-INF/maven/io.socket/socket.io-client/pom.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** A JSON line under construction; org.json 20090211 throws a checked exception from put. */
  private static final class Line {
    final JSONObject o = new JSONObject();

    Line put(String key, Object value) {
      try {
        o.put(key, value);
      } catch (JSONException e) {
        throw new IllegalStateException(e);
      }
      return this;
    }
  }

  private static Line event(String name) {
    return new Line().put("event", name);
  }

  /** The event's arguments as JSON: JSON values as they are, anything else (an exception, the ack) as text. */
  private static JSONArray json(Object[] args) {
    JSONArray a = new JSONArray();
    for (Object arg : args) {
      if (arg instanceof Ack) continue;
      if (arg == null || arg instanceof JSONObject || arg instanceof JSONArray || arg instanceof String || arg instanceof Number || arg instanceof Boolean) {
        a.put(arg == null ? JSONObject.NULL : arg);
      } else if (arg instanceof Throwable) {
        Throwable t = (Throwable) arg;
        a.put(t.getClass().getName() + ": " + t.getMessage() + (t.getCause() != null ? " (" + t.getCause() + ")" : ""));
      } else {
        a.put(String.valueOf(arg));
      }
    }
    return a;
  }

  private static void print(Line line) {
    synchronized (LOCK) {
      OUT.println(line.o.toString());
      OUT.flush();
    }
  }
}
