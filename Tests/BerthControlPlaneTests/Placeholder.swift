import Testing

@Test func placeholder_BerthControlPlaneTests() {}
