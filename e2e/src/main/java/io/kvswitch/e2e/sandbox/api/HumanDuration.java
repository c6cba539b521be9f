package io.kvswitch.e2e.sandbox.api;

import java.time.Duration;

/**
 * Ages as kubectl prints them: {@code 45s}, {@code 5m12s}, {@code 3h4m}, {@code 2d5h}, {@code 90d}.
 */
final class HumanDuration {

  private HumanDuration() {}

  static String format(Duration age) {
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long rest = seconds % 60;
      return rest == 0 ? minutes + "m" : minutes + "m" + rest + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long rest = minutes % 60;
      return rest == 0 ? hours + "h" : hours + "h" + rest + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    long days = hours / 24;
    if (days < 8) {
      long rest = hours % 24;
      return rest == 0 ? days + "d" : days + "d" + rest + "h";
    }
    if (days < 365 * 2) {
      return days + "d";
    }
    return days / 365 + "y";
  }
}
