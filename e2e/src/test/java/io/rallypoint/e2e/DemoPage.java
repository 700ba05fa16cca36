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

  /** One entry of the member list as shown: the online dot, "typing…" and the "recording" badge. */
  record Member(String user, boolean online, boolean typing, boolean recording) {}

  private final ChromeDriver chrome;

  DemoPage(ChromeDriver chrome) {
    this.chrome = chrome;
  }

  /** Opens the page signed in with the token, in the conversation (the link `rallypoint up` prints). */
  DemoPage open(String baseUrl, String token, String conversation) {
    chrome.get(baseUrl + "/?token=" + token + "&conversation=" + conversation);
    return this;
  }

  /** Opens the page as a newcomer would: no token in the link, none kept from an earlier visit. */
  DemoPage openWithoutToken(String baseUrl) {
    // The storage is cleared from a file of the same origin that runs no script: the demo page itself
    // would sign in with the kept token and could save it again after the clear.
    chrome.get(baseUrl + "/static/app.css");
    ((JavascriptExecutor) chrome).executeScript("localStorage.clear()");
    chrome.get(baseUrl + "/");
    return this;
  }

  /** The demo users the picker offers (empty when it is not shown). */
  List<String> pickerUsers() {
    if (!chrome.findElement(By.id("picker")).isDisplayed()) {
      return List.of();
    }
    return chrome.findElements(By.cssSelector("#demo-users button")).stream().map(b -> b.getDomAttribute("data-user"))
        .toList();
  }

  void pick(String user) {
    chrome.findElement(By.cssSelector("#demo-users button[data-user='" + user + "']")).click();
  }

  boolean tokenFormShown() {
    return chrome.findElement(By.id("login")).isDisplayed();
  }

  /** "signed in as ..." once signed in. */
  String whoami() {
    return chrome.findElement(By.id("whoami")).getText();
  }

  /** The member list as shown, in order. */
  List<Member> members() {
    Object rows = ((JavascriptExecutor) chrome).executeScript("""
        return [...document.querySelectorAll('#members li')].map(li => ({ user: li.dataset.user,
          online: li.dataset.online === 'true', typing: !!li.querySelector('.typing'),
          recording: !!li.querySelector('.recording') }));
        """);
    return ((List<?>) rows).stream().map(r -> (Map<?, ?>) r).map(r -> new Member((String) r.get("user"),
        (Boolean) r.get("online"), (Boolean) r.get("typing"), (Boolean) r.get("recording"))).toList();
  }

  /** The member as the list shows them, or one shown offline and idle when they are not listed. */
  Member member(String user) {
    return members().stream().filter(m -> m.user().equals(user)).findFirst()
        .orElse(new Member(user, false, false, false));
  }

  /** Types into the message field without sending. */
  void typeOnly(String text) {
    chrome.findElement(By.id("compose")).sendKeys(text);
  }

  void send() {
    chrome.findElement(By.id("send")).click();
  }

  /** The line under the chat, e.g. "ana is typing…". */
  String typingLine() {
    return chrome.findElement(By.id("typing-line")).getText();
  }

  /** Whether the map shows the member as a dot labelled with their name. */
  boolean memberDotDrawn(String user) {
    return !chrome.findElements(By.cssSelector("#plot circle.member[data-user='" + user + "']")).isEmpty()
        && chrome.findElements(By.cssSelector("#plot text.member-label[data-user='" + user + "']")).stream()
            .anyMatch(t -> user.equals(t.getText()));
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

  /** Turns sharing on (a click only when it is off: the consent is the user's, kept from an earlier test). */
  void shareLocation() {
    if (!chrome.findElement(By.id("share-location")).isSelected()) {
      click("share-location");
    }
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
