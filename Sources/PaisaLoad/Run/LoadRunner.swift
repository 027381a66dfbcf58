import NIOPosix
import OutboundHTTP

/// Drives the open-model run: a dispatcher sends each arrival at its intended time (or counts it late or
/// dropped), payments run as child tasks on NIO's event loops, and a ticker samples CPU and draws the progress line
/// once a second.
struct LoadRunner: Sendable {
    /// What the run measured.
    struct Measurement: Sendable {
        let statistics: RunStatistics
        /// From the scheduled start to the last payment's end.
        let wall: Duration
        /// CPU the generator's process used over the same time.
        let cpu: Duration
        /// The scheduled start: per-second figures count from it.
        let start: ContinuousClock.Instant
    }

    let configuration: LoadConfiguration
    let client: PaisaClient
    /// Checked before each arrival: once set, no further arrival is sent.
    let stop: StopSignal

    /// Runs the whole profile and waits for every payment to end (each is bounded by its retry policy).
    func run() async -> Measurement {
        let clock = ContinuousClock()
        let recorder = RunRecorder(
            stageCount: self.configuration.profile.stages.count, lateAfter: self.configuration.lateAfter)
        let gate = InFlightGate(capacity: self.configuration.inFlightMax)
        let work = self.work(recorder: recorder)
        let cpuBefore = ProcessCPU.used()
        let start = clock.now + LoadConfiguration.startLead
        await withTaskGroup(of: Void.self) { background in
            background.addTask { await self.tick(start: start, recorder: recorder, gate: gate) }
            await self.dispatch(start: start, recorder: recorder, gate: gate, work: work)
            background.cancelAll()
        }
        if self.configuration.showProgress { ProcessCPU.writeToStandardError("\n") }
        return Measurement(
            statistics: recorder.statistics(), wall: clock.now - start, cpu: ProcessCPU.used() - cpuBefore,
            start: start)
    }

    /// What each arrival does: a payment (plan from its index), or in probe mode one GET.
    private func work(recorder: RunRecorder) -> @Sendable (Int) async -> Completion {
        let configuration = self.configuration
        if let path = configuration.probePath {
            let probe = ProbeExecutor(
                client: self.client, path: path, apiKey: configuration.apiKeys[0],
                onAttempt: { recorder.attempt(class: $0) })
            return { _ in await probe.run() }
        }
        let executor = PaymentExecutor(
            client: self.client, workload: configuration.workload, apiKeys: configuration.apiKeys,
            retry: configuration.retry, onAttempt: { recorder.attempt($0) })
        return { index in await executor.run(configuration.workload.plan(for: index)) }
    }

    /// Sends every arrival of the schedule; returns when all payments have ended.
    private func dispatch(
        start: ContinuousClock.Instant, recorder: RunRecorder, gate: InFlightGate,
        work: @escaping @Sendable (Int) async -> Completion
    ) async {
        let clock = ContinuousClock()
        let schedule = ArrivalSchedule(
            stages: self.configuration.profile.stages,
            poissonSeed: self.configuration.poisson ? self.configuration.workload.seed : nil)
        // Payments take turns over NIO's event loops, each running on its loop from its send to its record; the
        // dispatcher runs on the first and waits for each arrival on that loop's timer.
        let lanes = MultiThreadedEventLoopGroup.singleton.makeIterator().map(EventLoopExecutor.init)
        // Time spent waiting for the in-flight gate is the server's doing, not ours: lag is measured after it.
        var readyAt = start
        await withTaskExecutorPreference(lanes[0]) {
            await withDiscardingTaskGroup { payments in
                for arrival in schedule {
                    if self.stop.isRequested { break }
                    let intended = start + arrival.offset
                    await lanes[0].sleep(until: intended)
                    let woke = clock.now
                    recorder.scheduled(arrival, lag: max(woke - max(intended, readyAt), .zero))
                    let entered = await gate.enter(before: intended + self.configuration.dropAfter)
                    let sentAt = clock.now
                    readyAt = sentAt
                    guard entered else {
                        recorder.dropped(arrival)
                        continue
                    }
                    recorder.sent(arrival, delay: sentAt - intended)
                    recorder.inFlight(gate.inFlight, at: sentAt - start)
                    payments.addTask(executorPreference: lanes[arrival.index % lanes.count]) {
                        let completion = await work(arrival.index)
                        recorder.finished(
                            arrival, completion, firstSent: completion.firstSent - start,
                            finished: completion.finished - start)
                        gate.leave()
                    }
                }
            }
        }
    }

    /// Once a second until cancelled: the generator's CPU use for the second, and the progress line.
    private func tick(start: ContinuousClock.Instant, recorder: RunRecorder, gate: InFlightGate) async {
        let clock = ContinuousClock()
        let stageStarts = self.configuration.profile.stageStarts
        var lastCPU = ProcessCPU.used()
        var lastTime = clock.now
        var lastCompleted = 0
        for second in 1...RunStatistics.secondsTrackedMax {
            do {
                try await Task.sleep(until: start + ProgressLine.interval * second, clock: .continuous)
            } catch {
                return
            }
            let now = clock.now
            let cpu = ProcessCPU.used()
            recorder.cpu(
                (cpu - lastCPU).seconds / max((now - lastTime).seconds, 1e-3),
                secondEndingAt: ProgressLine.interval * second)
            (lastCPU, lastTime) = (cpu, now)
            guard self.configuration.showProgress else { continue }
            let snapshot = recorder.snapshot()
            let elapsed = now - start
            let stageIndex = stageStarts.lastIndex { $0 <= elapsed } ?? 0
            let stage =
                elapsed > self.configuration.profile.duration
                ? "drain" : self.configuration.profile.stages[stageIndex].name
            ProgressLine.draw(
                ProgressLine.render(
                    elapsed: elapsed, stage: stage, completedLastSecond: snapshot.completed - lastCompleted,
                    inFlight: gate.inFlight, snapshot: snapshot))
            lastCompleted = snapshot.completed
        }
    }
}
