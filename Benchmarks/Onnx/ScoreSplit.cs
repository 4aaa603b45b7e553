using System.Diagnostics;
using NeuralPipelines.Benchmarks.Race;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary><c>score-race --split</c>: np score's own pipelined run (as <see cref="ScoreRace.NpScore"/>), with the CPU of
/// each of its threads: opening the model and the input (the caller's thread: integrity check, ONNX Runtime session), the
/// reader's (inside <see cref="IRowSource.Gather"/>: inflating, cutting lines, converting), the decoding on the scoring threads
/// (<see cref="IRowSource.Decode"/>: a CSV's parse), the writer's (the caller's thread again:
/// formatting and writing the predictions), and the rest of the process (the scoring threads and ONNX Runtime, the
/// JIT's background threads); then the wall time of the commit (fsync, rename, folder fsync) alone.</summary>
/// <remarks>Why: on the shared machine the wall clock mostly measures the neighbours; each thread's CPU time
/// (<see cref="ThreadCpu"/>) says which stage costs what in the very run that is raced.</remarks>
public static class ScoreSplit
{
    public static void Run(string name, byte[] onnx, OnnxScorerOptions options, IEnumerable<(string Input, Func<OnnxScorer, IRowSource> Open)> inputs,
        string dir, int rounds, TextWriter output, BatchScoringOptions? batching = null, bool oldRoutesToo = false)
    {
        foreach (var (input, open) in inputs)
            for (int round = 0; round < rounds; round++)
            foreach (bool fast in oldRoutesToo ? new[] { true, false } : [true])
            {
                ScoreRoutes.Set(fast);
                var process = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                double opening = ThreadCpu.Nanoseconds, writer0 = 0, written = 0;
                TimedSource? timed = null;
                using (var scorer = new OnnxScorer(onnx, ScoringThreadPlan.Session(options), "split"))
                using (var source = timed = new TimedSource(open(scorer)))
                {
                    writer0 = ThreadCpu.Nanoseconds;
                    opening = (writer0 - opening) / 1e9;
                    AtomicFile.Write(Path.Combine(dir, "preds-split.csv"), stream =>
                    {
                        using var writer = PredictionWriter.Create(PredictionFormat.Csv, stream, source.HasItems, source.HasLabels, scorer.OutputLength, null);
                        new BatchScorer(scorer, (batching ?? ScoreRoutes.Batching) with { ScoringThreads = ScoringThreadPlan.Callers(scorer, options.IntraOpNumThreads) }).Run(source, writer);
                        written = clock.Elapsed.TotalSeconds;
                    });
                }
                double wall = clock.Elapsed.TotalSeconds;
                double total = (Process.GetCurrentProcess().TotalProcessorTime - process).TotalSeconds;
                double write = (ThreadCpu.Nanoseconds - writer0) / 1e9, read = timed.CpuNanoseconds / 1e9;
                ScoreRoutes.Set(fast: true);
                output.WriteLine($"  {name,-7} {input,-7}{(oldRoutesToo ? fast ? " new" : " old" : "")} wall {wall,5:F2} s (commit {wall - written:F3} s)   CPU-s: all {total:F2} = open {opening:F2} + read {read:F2} + write {write:F2} + score and the rest {total - opening - read - write:F2} (of which decode {timed.DecodeNanoseconds / 1e9:F2})   load {File.ReadAllText("/proc/loadavg")[..4]}");
            }
    }

    // Times the reader's thread inside Gather (or Fill), where all of its work happens; Decode, on the scoring threads,
    // counts as theirs ("score and the rest"), and its CPU is also summed on its own (several threads: Interlocked).
    private sealed class TimedSource(IRowSource inner) : IRowSource
    {
        private long _decode;
        public double CpuNanoseconds { get; private set; }
        public double DecodeNanoseconds => Interlocked.Read(ref _decode);
        public string Source => inner.Source;
        public string Kind => inner.Kind;
        public bool HasItems => inner.HasItems;
        public bool HasLabels => inner.HasLabels;
        public double Fraction => inner.Fraction;

        public bool Fill(RowChunk chunk, Shard shard)
        {
            double start = ThreadCpu.Nanoseconds;
            try { return inner.Fill(chunk, shard); }
            finally { CpuNanoseconds += ThreadCpu.Nanoseconds - start; }
        }

        public bool Gather(RowChunk chunk, Shard shard)
        {
            double start = ThreadCpu.Nanoseconds;
            try { return inner.Gather(chunk, shard); }
            finally { CpuNanoseconds += ThreadCpu.Nanoseconds - start; }
        }

        public void Decode(RowChunk chunk, int start, int count)
        {
            double begin = ThreadCpu.Nanoseconds;
            try { inner.Decode(chunk, start, count); }
            finally { Interlocked.Add(ref _decode, (long)(ThreadCpu.Nanoseconds - begin)); }
        }

        public void Dispose() => inner.Dispose();
    }
}
