package io.kvswitch.operator.compiler;

/**
 * A VlanNetwork the compiler could not place: it becomes a condition of that type on the network
 * and a Warning event, never an exception.
 *
 * @param network the network
 * @param conditionType {@code VlanConflict} or {@code SwitchNotFound}
 * @param reason CamelCase reason for the condition
 * @param message what a person reads
 */
public record NetworkProblem(
    ObjectKey network, String conditionType, String reason, String message) {}
