using System.Diagnostics;
using System.Reflection;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Regularization;

namespace NeuralPipelines.Models.Training;

/// <summary>The training loop: epochs of shuffled mini-batches, evaluation on the test split after each, a learning-rate
/// schedule, early stopping, a checkpoint after every epoch, and a NaN/Inf guard.</summary>
/// <remarks>
/// Determinism: every random draw of epoch e (shuffle, augmentation, dropout masks) comes from generators seeded with
/// (seed, e), never from state carried over from epoch e − 1. So the checkpoint after epoch e, which holds the weights,
/// the optimiser state and e, is all a resumed run needs to continue bit for bit as an uninterrupted one would.
/// </remarks>
public sealed class Trainer(Checkpoint checkpoint)
{
    public Checkpoint Checkpoint { get; } = checkpoint;

    /// <summary>Trains from where <see cref="Checkpoint"/>'s <see cref="TrainingState"/> stands up to its epoch count.</summary>
    /// <exception cref="TrainingDivergedException">The cost became NaN or infinite; the checkpoint file keeps the last good epoch.</exception>
    public TrainingResult Fit(TrainTestSplit data, IProgress<EpochReport>? epochProgress = null,
        IProgress<BatchProgress>? batchProgress = null, CancellationToken cancellation = default)
    {
        var ck = Checkpoint;
        var state = ck.Training ?? throw new InvalidOperationException("The checkpoint has no training state: set Checkpoint.Training first.");
        var o = state.Options;
        o.Validate();
        ck.EnsureFits(data.Train); ck.EnsureFits(data.Test);
        if (data.Train.Count == 0) throw new ArgumentException($"{data.Train.Source}: the training set is empty.");

        var network = ck.Network;
        var loss = LossFunctions.Create(ck.Cost);
        var parameters = network.AllParameters().ToArray();
        ck.Optimizer ??= Optimizer.Create(o.Optimizer, parameters);
        var regularizer = o.L2 > 0 || o.L1 > 0 ? new Regularizer(o.L2, o.L1, data.Train.Count) : null;
        var step = new TrainingStep(network, loss, ck.Optimizer, regularizer);
        var batches = new BatchAssembler(data.Train, ck.Normalization, o.Augmentation);
        var stochastic = StochasticLayers(network);
        int n = data.Train.Count, batchCount = (n + o.BatchSize - 1) / o.BatchSize;
        var order = new int[n];
        ck.SetMetadata("trainer_version", typeof(Trainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        ck.SetMetadata("seed", o.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The file always holds a good state: the initial weights before the first epoch, then each finished epoch.
        if (o.CheckpointPath is not null && state.CompletedEpochs == 0) ck.Save(o.CheckpointPath);

        for (int epoch = state.CompletedEpochs; epoch < o.Epochs && state.StopReason is null; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            float lr = o.Schedule.RateAt(o.LearningRate, epoch, o.Epochs);
            for (int i = 0; i < n; i++) order[i] = i;
            new Random(Seeds.Derive(o.Seed, epoch, 1)).Shuffle(order);
            var augmentationRng = o.Augmentation is null ? null : new Random(Seeds.Derive(o.Seed, epoch, 2));
            for (int i = 0; i < stochastic.Count; i++) stochastic[i].Reseed(Seeds.Derive(o.Seed, epoch, 3, i));

            var clock = Stopwatch.StartNew();
            double costSum = 0; int correct = 0;
            for (int b = 0; b < batchCount; b++)
            {
                int start = b * o.BatchSize, count = Math.Min(o.BatchSize, n - start);
                batches.Fill(order, start, count, augmentationRng);
                double cost;
                try { cost = step.Run(batches.Images, batches.Targets, lr); }
                catch (TrainingDivergedException e) { throw Diverged(e.Message, epoch, b, batchCount, o.CheckpointPath, state.CompletedEpochs); }
                costSum += cost * count;
                correct += step.LastCorrect;
                batchProgress?.Report(new BatchProgress(epoch + 1, o.Epochs, b + 1, batchCount, cost));
            }
            clock.Stop();
            double seconds = clock.Elapsed.TotalSeconds;

            var evalClock = Stopwatch.StartNew();
            var test = Evaluator.Evaluate(network, loss, data.Test, ck.Normalization);
            double trainLoss = costSum / n, trainAccuracy = (double)correct / n;
            if (o.EvaluateTrainingSet)
            {
                var train = Evaluator.Evaluate(network, loss, data.Train, ck.Normalization);
                trainLoss = train.Loss; trainAccuracy = train.Accuracy;
            }
            evalClock.Stop();
            if (!double.IsFinite(test.Loss) && data.Test.Count > 0)
                throw Diverged($"the {loss.Name} cost on the test set became {test.Loss}", epoch, batchCount - 1, batchCount, o.CheckpointPath, state.CompletedEpochs);

            var report = new EpochReport(epoch + 1, o.Epochs, lr, trainLoss, trainAccuracy, test.Loss, test.Accuracy,
                seconds, evalClock.Elapsed.TotalSeconds, n / Math.Max(seconds, 1e-9));
            state.History.Add(report);
            state.CompletedEpochs = epoch + 1;
            state.TrainSeconds += seconds;
            state.ImagesSeen += n;
            if (test.Accuracy > state.BestTestAccuracy) { state.BestTestAccuracy = test.Accuracy; state.BestEpoch = epoch + 1; }
            else if (o.Patience > 0 && epoch + 1 - state.BestEpoch >= o.Patience)
                state.StopReason = $"early stop after epoch {epoch + 1}: test accuracy has not improved for {o.Patience} epochs (best {state.BestTestAccuracy:P2} at epoch {state.BestEpoch})";
            ck.SetMetadata("epochs_completed", state.CompletedEpochs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            ck.SetMetadata("test_accuracy", test.Accuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            ck.SetMetadata("test_loss", test.Loss.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            if (o.CheckpointPath is not null) ck.Save(o.CheckpointPath);
            epochProgress?.Report(report);
        }

        var last = state.History.Count > 0 ? state.History[^1] : null;
        return new TrainingResult(ck, state.History, last?.TestAccuracy ?? double.NaN, last?.TrainAccuracy ?? double.NaN,
            state.TrainSeconds, state.ImagesSeen / Math.Max(state.TrainSeconds, 1e-9), state.StopReason);
    }

    private static TrainingDivergedException Diverged(string what, int epoch, int batch, int batches, string? path, int goodEpochs)
    {
        string kept = path is null
            ? "No checkpoint file was being written."
            : $"The last good checkpoint ({(goodEpochs == 0 ? "the initial weights" : $"after epoch {goodEpochs}")}) is kept in {path}.";
        return new TrainingDivergedException(
            $"Training diverged at epoch {epoch + 1}, batch {batch + 1}/{batches}: {what}. Try a smaller learning rate. {kept}");
    }

    private static List<IStochasticLayer> StochasticLayers(Layer root)
    {
        var list = new List<IStochasticLayer>();
        void Walk(Layer l)
        {
            if (l is IStochasticLayer s) list.Add(s);
            foreach (var c in l.Children) Walk(c);
        }
        Walk(root);
        return list;
    }
}

/// <summary>The outcome of <see cref="Trainer.Fit"/>: the trained checkpoint, the per-epoch history and the headline figures.</summary>
public sealed record TrainingResult(Checkpoint Checkpoint, IReadOnlyList<EpochReport> History, double TestAccuracy, double TrainAccuracy,
    double TrainSeconds, double ImagesPerSecond, string? StopReason);
