package io.rallypoint.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Headless Chromium windows for one test class, each with its own profile (so its own
 * localStorage: a separate user on a separate device). Uses the machine's Chromium and
 * chromedriver ({@code CHROME_BIN}/{@code CHROMEDRIVER}, else the Debian paths); when they are
 * missing the class is skipped with a message saying how to install them. When a test fails, every
 * open window's screenshot, console log and page are saved under {@code target/e2e-failures/}
 * (with {@code -De2e.screenshots=true}, after every test under {@code target/e2e-screenshots/}).
 */
final class Browsers implements ExecutionCondition, AfterTestExecutionCallback, AfterAllCallback {

  private static final Logger LOG = LoggerFactory.getLogger(Browsers.class);
  static final String SCREENSHOTS_PROPERTY = "e2e.screenshots";
  private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome");
  private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private final List<Window> windows = new ArrayList<>();
  private Path browser;
  private Path driver;

  /**
   * Skips the whole class, before any other extension starts anything, when there is no browser
   * (a condition rather than an assumption: an aborted beforeAll would still run the others' afterAll).
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    browser = find("CHROME_BIN", BROWSERS).orElse(null);
    driver = find("CHROMEDRIVER", DRIVERS).orElse(null);
    if (browser == null || driver == null) {
      return ConditionEvaluationResult.disabled("SKIPPED: no Chromium and chromedriver found (looked at CHROME_BIN,"
          + " CHROMEDRIVER, " + BROWSERS + ", " + DRIVERS + "). Install them with: apt-get install -y chromium"
          + " chromium-driver");
    }
    return ConditionEvaluationResult.enabled("Chromium " + browser + ", chromedriver " + driver);
  }

  private static Optional<Path> find(String variable, List<String> candidates) {
    String configured = System.getenv(variable);
    return Stream.concat(Stream.ofNullable(configured), candidates.stream())
        .filter(p -> p != null && !p.isBlank())
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** A new browser window with an empty profile; closed after the class. */
  DemoPage open(String name) {
    Path profile;
    try {
      profile = Files.createTempDirectory("rallypoint-e2e-chromium-" + name + "-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    // The flags that keep Chromium quiet on an offline machine (no background calls to Google).
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows", "--window-size=1280,900", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(driver.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
    Window window = new Window(name, chrome, profile);
    windows.add(window);
    return new DemoPage(chrome);
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    boolean failed = context.getExecutionException().isPresent();
    if (!failed && !Boolean.getBoolean(SCREENSHOTS_PROPERTY)) {
      return;
    }
    Path dir = Path.of("target", failed ? "e2e-failures" : "e2e-screenshots");
    for (Window w : windows) {
      String prefix = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName()
          + "-" + w.name();
      try {
        Files.createDirectories(dir);
        Files.write(dir.resolve(prefix + ".png"), w.chrome().getScreenshotAs(OutputType.BYTES));
        List<String> console = w.chrome().manage().logs().get(LogType.BROWSER).getAll().stream()
            .map(LogEntry::toString).toList();
        Files.write(dir.resolve(prefix + "-console.log"), console);
        Files.writeString(dir.resolve(prefix + ".html"), w.chrome().getPageSource());
        LOG.info("screenshot, console and page of {} saved as {}/{}.*", w.name(), dir.toAbsolutePath(), prefix);
      } catch (RuntimeException | IOException e) {
        LOG.error("could not save the failure evidence of {}", w.name(), e);
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (Window w : windows) {
      try {
        w.chrome().quit();
      } catch (RuntimeException e) {
        LOG.warn("could not quit the browser {}", w.name(), e);
      }
      deleteQuietly(w.profile());
    }
    windows.clear();
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp profile left behind is harmless
    }
  }

  private record Window(String name, ChromeDriver chrome, Path profile) {}
}
