using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Regularization;

namespace NeuralPipelines.Models.Training;

/// <summary>The training loop: epochs of shuffled mini-batches, evaluation on the test split after each, a learning-rate
/// schedule, early stopping, and a guard against divergence (a NaN or infinite cost, weights or cost running away). It trains a <see cref="ClassifierModel"/> from where its
/// <see cref="TrainingState"/> stands and reports through <see cref="TrainingCallbacks"/>; it never touches a file.</summary>
/// <remarks>
/// Determinism: every random draw of epoch e (shuffle, augmentation, dropout masks) comes from generators seeded with
/// (seed, e), never from state carried over from epoch e − 1. So a checkpoint saved after epoch e, which holds the weights,
/// the optimiser state and e, is all a resumed run needs to continue bit for bit as an uninterrupted one would.
/// </remarks>
public sealed class Trainer(ClassifierModel model, TrainingState state)
{
    public ClassifierModel Model { get; } = model;

    public TrainingState State { get; } = state;

    /// <summary>Trains up to the options' epoch count.</summary>
    /// <param name="cancellation">Looked at before every mini-batch and every batch of the epoch's evaluation, so a cancelled
    /// run stops after the step in progress, without evaluating or saving a last epoch.</param>
    /// <exception cref="TrainingDivergedException">The cost became NaN or infinite; the last state given to
    /// <see cref="TrainingCallbacks.Save"/> is the last good one.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled. The network then holds part of
    /// an epoch's updates while the state still counts the epochs before it: resume from the last
    /// <see cref="TrainingCallbacks.Save"/>, not from the objects in memory.</exception>
    /// <exception cref="ArgumentException">Options out of range, or data that does not fit the model (image shape, labels,
    /// an empty split); the message names them.</exception>
    /// <exception cref="InvalidOperationException">The state's optimiser belongs to another network (<see cref="TrainingState.OptimizerFor"/>).</exception>
    public TrainingResult Fit(TrainTestSplit data, TrainingCallbacks? callbacks = null, CancellationToken cancellation = default)
    {
        var (model, state) = (Model, State);
        var o = state.Options;
        o.Validate();
        model.EnsureFits(data.Train); model.EnsureFits(data.Test);
        if (data.Train.Count == 0) throw new ArgumentException($"{data.Train.Source}: the training set is empty.");
        // Each epoch is judged on the test split; an empty one would report 0/0 as if it were a result.
        if (data.Test.Count == 0) throw new ArgumentException($"{data.Test.Source}: the test split is empty; there is nothing to measure the training against.");

        var network = model.Network;
        var loss = LossFunctions.Create(model.Cost);
        var parameters = network.AllParameters().ToArray();
        var optimizer = state.OptimizerFor(parameters);
        var regularizer = o.L2 > 0 || o.L1 > 0 ? new Regularizer(o.L2, o.L1, data.Train.Count) : null;
        var step = new TrainingStep(network, loss, optimizer, regularizer);
        var batches = new BatchAssembler(data.Train, model.Normalization, o.Augmentation);
        var stochastic = StochasticLayers(network);
        int n = data.Train.Count, batchCount = BatchCount.Of(n, o.BatchSize);
        var order = new int[n];
        model.SetMetadata("trainer_version", typeof(Trainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        model.SetMetadata("seed", o.Seed.ToString(CultureInfo.InvariantCulture));


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
                // Per batch, not per epoch: a zoo network's epoch on Fashion-MNIST runs for minutes.
                cancellation.ThrowIfCancellationRequested();
                int start = b * o.BatchSize, count = Math.Min(o.BatchSize, n - start);
                batches.Fill(order, start, count, augmentationRng);
                double cost;
                try { cost = step.Run(batches.Images, batches.Targets, lr); }
                catch (TrainingDivergedException e) { throw Diverged(e.Message, epoch, b, batchCount, state.CompletedEpochs); }
                costSum += cost * count;
                correct += step.LastCorrect;
                callbacks?.Batch?.Report(new BatchProgress(epoch + 1, o.Epochs, b + 1, batchCount, cost));
            }
            clock.Stop();
            double seconds = clock.Elapsed.TotalSeconds;

            var evalClock = Stopwatch.StartNew();
            // The token reaches the evaluation too: cancelled during the last batch, the run stops here, before the epoch
            // is evaluated, saved or reported.
            var test = Evaluator.Evaluate(network, loss, data.Test, model.Normalization, cancellation: cancellation);
            double trainLoss = costSum / n, trainAccuracy = (double)correct / n;
            if (o.EvaluateTrainingSet)
            {
                var train = Evaluator.Evaluate(network, loss, data.Train, model.Normalization, cancellation: cancellation);
                trainLoss = train.Loss; trainAccuracy = train.Accuracy;
            }
            evalClock.Stop();
            if (!double.IsFinite(test.Loss))
                throw Diverged($"the {loss.Name} cost on the test set became {test.Loss}", epoch, batchCount - 1, batchCount, state.CompletedEpochs);
            // Divergence without a NaN (weights running away, the cost tenfold its best) is stopped the same way: before
            // this epoch is saved, so the file keeps the last good one.
            if (DivergenceGuard.Check(network, trainLoss, state.History) is { } runaway)
                throw Diverged(runaway, epoch, batchCount - 1, batchCount, state.CompletedEpochs);

            var report = new EpochReport(epoch + 1, o.Epochs, lr, trainLoss, trainAccuracy, test.Loss, test.Accuracy,
                seconds, evalClock.Elapsed.TotalSeconds, n / Math.Max(seconds, 1e-9));
            state.History.Add(report);
            state.CompletedEpochs = epoch + 1;
            state.TrainSeconds += seconds;
            state.ImagesSeen += n;
            if (test.Accuracy > state.BestTestAccuracy) { state.BestTestAccuracy = test.Accuracy; state.BestEpoch = epoch + 1; }
            else if (o.Patience > 0 && epoch + 1 - state.BestEpoch >= o.Patience)
                state.StopReason = $"early stop after epoch {epoch + 1}: test accuracy has not improved for {o.Patience} epochs (best {state.BestTestAccuracy:P2} at epoch {state.BestEpoch})";
            model.SetMetadata("epochs_completed", state.CompletedEpochs.ToString(CultureInfo.InvariantCulture));
            model.SetMetadata("test_accuracy", test.Accuracy.ToString("R", CultureInfo.InvariantCulture));
            model.SetMetadata("test_loss", test.Loss.ToString("R", CultureInfo.InvariantCulture));
            callbacks?.Save?.Invoke();
            callbacks?.Epoch?.Report(report);
        }

        var last = state.History.Count > 0 ? state.History[^1] : null;
        return new TrainingResult(model, state.History, last?.TestAccuracy ?? double.NaN, last?.TrainAccuracy ?? double.NaN,
            state.TrainSeconds, state.ImagesSeen / Math.Max(state.TrainSeconds, 1e-9), state.StopReason);
    }

    private static TrainingDivergedException Diverged(string what, int epoch, int batch, int batches, int goodEpochs) =>
        new($"Training diverged at epoch {epoch + 1}, batch {batch + 1}/{batches}: {what}. Try a smaller learning rate.", goodEpochs);

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

/// <summary>The outcome of <see cref="Trainer.Fit"/>: the trained model, the per-epoch history and the headline figures.</summary>
public sealed record TrainingResult(ClassifierModel Model, IReadOnlyList<EpochReport> History, double TestAccuracy, double TrainAccuracy,
    double TrainSeconds, double ImagesPerSecond, string? StopReason);
