import BerthFuzzing

FuzzDriver.run { data, size in
    ReplicaResponseFuzzing.test(FuzzInput(data, size))
    return 0
}
