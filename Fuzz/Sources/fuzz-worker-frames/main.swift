import BerthFuzzing

FuzzDriver.run { data, size in
    WorkerFrameFuzzing.test(FuzzInput(data, size))
    return 0
}
