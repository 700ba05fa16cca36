package io.rallypoint.e2e;

import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The demo page in one browser window, driven as a person would: typing, clicking, reading the screen. */
final class DemoPage {

  /** One line of the chat as shown: seq (null while pending), sender as stored, body, tick status. */
  record Line(Long seq, String sender, String body, String status) {}

  private final ChromeDriver chrome;

  DemoPage(ChromeDriver chrome) {
    this.chrome = chrome;
  }

  /** Opens the page signed in with the token, in the conversation (the link `rallypoint up` prints). */
  DemoPage open(String baseUrl, String token, String conversation) {
    chrome.get(baseUrl + "/?token=" + token + "&conversation=" + conversation);
    return this;
  }

  void reload() {
    chrome.navigate().refresh();
  }

  /** 'open', 'connecting', 'offline' or 'stopped', as the status badge shows it. */
  String connection() {
    List<WebElement> status = chrome.findElements(By.id("status"));
    return status.isEmpty() ? "" : status.get(0).getDomAttribute("data-state");
  }

  void type(String text) {
    WebElement compose = chrome.findElement(By.id("compose"));
    compose.sendKeys(text);
    chrome.findElement(By.id("send")).click();
  }

  /** The chat as shown, top to bottom. */
  List<Line> lines() {
    Object rows = ((JavascriptExecutor) chrome).executeScript("""
        return [...document.querySelectorAll('#messages li')].map(li => ({
          seq: li.dataset.seq === undefined ? null : Number(li.dataset.seq),
          sender: li.dataset.sender, body: li.querySelector('.body').textContent, status: li.dataset.status }));
        """);
    return ((List<?>) rows).stream().map(r -> (Map<?, ?>) r).map(r -> new Line(
        r.get("seq") == null ? null : ((Number) r.get("seq")).longValue(),
        (String) r.get("sender"), (String) r.get("body"), (String) r.get("status"))).toList();
  }

  /** The status tick of the last line with this body. */
  String statusOf(String body) {
    return lines().stream().filter(l -> l.body().equals(body)).reduce((a, b) -> b).map(Line::status).orElse("absent");
  }

  void shareLocation() {
    click("share-location");
  }

  boolean sharingLocation() {
    WebElement box = chrome.findElement(By.id("share-location"));
    return box.isSelected() && box.isEnabled();
  }

  void startWalking() {
    click("walk-toggle");
  }

  boolean walking() {
    return "true".equals(chrome.findElement(By.id("walk-toggle")).getDomAttribute("aria-pressed"));
  }

  /** How many members the meeting point shown counts (0 when none is shown). */
  int meetingPointMembers() {
    String members = chrome.findElement(By.id("meeting-info")).getDomAttribute("data-members");
    return members == null ? 0 : Integer.parseInt(members);
  }

  boolean meetingPointDrawn() {
    return !chrome.findElements(By.cssSelector("#plot #midpoint")).isEmpty()
        && !chrome.findElements(By.cssSelector("#plot #fairpoint")).isEmpty();
  }

  String meetingInfo() {
    return chrome.findElement(By.id("meeting-info")).getText();
  }

  private void click(String id) {
    chrome.findElement(By.id(id)).click();
  }
}
