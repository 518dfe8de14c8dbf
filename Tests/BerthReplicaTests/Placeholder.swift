import Testing

@Test func placeholder_BerthReplicaTests() {}
