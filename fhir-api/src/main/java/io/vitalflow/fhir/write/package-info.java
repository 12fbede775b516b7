/**
 * The write side as the HTTP layer sees it: commands made ({@link io.vitalflow.fhir.write.Writes})
 * and sent to Kafka ({@link io.vitalflow.fhir.write.CommandSender}), answered once readable;
 * conditional-create conditions ({@link io.vitalflow.fhir.write.Conditions}); and the planning of
 * transaction Bundles ({@link io.vitalflow.fhir.write.TransactionPlanner}: ids, conditional creates
 * and references, references between entries, If-Match) before their commands go out in one Kafka
 * transaction.
 */
package io.vitalflow.fhir.write;
