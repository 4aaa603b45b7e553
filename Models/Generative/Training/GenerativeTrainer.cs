using System.Diagnostics;
using System.Globalization;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Training;

/// <summary>The training loop of the generative models: epochs of shuffled mini-batches of real images, each batch one
/// adversarial step (GAN) or one step of moment matching (GMMN; GMMN+AE after its auto-encoder's epochs), with the NaN
/// guard, the <see cref="DivergenceGuard"/> after each epoch, per-batch and per-epoch reports and a save callback. When the
/// options ask for it (<see cref="GenerativeOptions.EmaDecay"/>), a moving average of the generator follows every
/// generator step and gets standing batch-norm statistics before each save.</summary>
/// <remarks>Determinism as in <see cref="Trainer"/>: epoch e's shuffle, noise and dropout masks come from generators seeded
/// with (seed, e), so a run resumed from the state saved after epoch e goes on bit for bit.</remarks>
public sealed class GenerativeTrainer(GenerativeModel model, GenerativeTrainingState state)
{
    public GenerativeModel Model { get; } = model;
    public GenerativeTrainingState State { get; } = state;

    /// <param name="cancellation">Looked at before every mini-batch, so a cancelled run stops after the step in progress
    /// (<see cref="OperationCanceledException"/>); the last state given to the Save callback is the one to resume from.</param>
    public IReadOnlyList<GenerativeEpochReport> Fit(LabelledImages train, GenerativeCallbacks? callbacks = null, CancellationToken cancellation = default)
    {
        var o = State.Options;
        o.Validate();
        int pixels = Model.ImageShape.Aggregate(1, (a, b) => a * b);
        if (train.ImageLength != pixels || train.Channels != Model.ImageShape[0])
            throw new ArgumentException($"{train.Source} has images of shape [{train.Channels}×{train.Height}×{train.Width}] but the {Model.Name} draws {Tensor.ShapeText(Model.ImageShape)}.");
        if (train.Count == 0) throw new ArgumentException($"{train.Source}: the training set is empty.");
        GenerativeSetup.CheckBatches(Model.Kind, o, train.Count);
        var batches = new BatchAssembler(train);
        var order = new int[train.Count];
        // A model trained so far without an average (an older checkpoint) starts it from its generator as it stands.
        var average = o.EmaDecay > 0 && State.CompletedEpochs < o.TotalEpochs ? new GeneratorAverage(Model.StartAverage(), Model.Generator, o.EmaDecay) : null;

        for (int epoch = State.CompletedEpochs; epoch < o.TotalEpochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int i = 0; i < order.Length; i++) order[i] = i;
            new Random(Seeds.Derive(o.Seed, epoch, 1)).Shuffle(order);
            ReseedStochasticLayers(Seeds.Derive(o.Seed, epoch, 3));
            var noise = new Random(Seeds.Derive(o.Seed, epoch, 4));
            var clock = Stopwatch.StartNew();
            bool autoencoder = Model.Kind == GenerativeKind.GmmnAe && epoch < o.AutoencoderEpochs;
            var (phase, losses) = Model.Kind switch
            {
                GenerativeKind.Gan => ("gan", GanEpoch(batches, order, epoch, noise.Next(), average, callbacks, cancellation)),
                _ when autoencoder => ("autoencoder", AutoencoderEpoch(batches, order, epoch, callbacks, cancellation)),
                _ => ("gmmn", MmdEpoch(batches, order, epoch, noise, average, callbacks, cancellation)),
            };
            // Seeded by the epoch as the rest, and written over whole, so a resumed run measures the same statistics.
            if (average is not null)
                StandingStatistics.Estimate(Model.AverageGenerator!, Model.NoiseFor(StandingStatistics.Samples, Seeds.Derive(o.Seed, epoch, 5)));
            clock.Stop();
            // Divergence without a NaN is stopped as in Trainer: before this epoch is saved, so the file keeps the last good one.
            if (Runaway(phase, losses) is { } runaway)
                throw new TrainingDivergedException($"Training diverged at epoch {epoch + 1} (checked after its last batch): {runaway}. Try a smaller learning rate.", State.CompletedEpochs);
            double seconds = clock.Elapsed.TotalSeconds;
            var report = new GenerativeEpochReport(epoch + 1, o.TotalEpochs, phase, losses, seconds, train.Count / Math.Max(seconds, 1e-9));
            State.History.Add(report);
            State.CompletedEpochs = epoch + 1;
            State.TrainSeconds += seconds;
            Model.SetMetadata("epochs_completed", State.CompletedEpochs.ToString(CultureInfo.InvariantCulture));
            callbacks?.Save?.Invoke();
            callbacks?.Epoch?.Report(report);
        }
        return State.History;
    }

    /// <summary>The <see cref="DivergenceGuard"/>'s two rules: the weight bound on every network, and the tenfold rule on
    /// this phase's cost against the same phase's earlier epochs.</summary>
    /// <remarks>A GAN's two costs swing against each other (D winning lowers d_loss and raises g_loss), so neither is
    /// compared alone: their sum is. Per image, softplus(l) for the fake in C_D plus softplus(−l) in C_G is at least
    /// <see cref="GanLeastCost"/> = 2 ln 2 ≈ 1.39 whatever D's logit l, so the sum has a floor a healthy run sits just
    /// above (Fashion-MNIST: d 0.8 + g 1.6; the MNIST recipe alike). Ten times that floor (13.9) means D's logits on fakes
    /// near ±12 on average, a discriminator certain to one part in 10⁵, which no healthy run reaches; with the floor as
    /// the reference, a GAN that runs away from its first epoch is stopped there too.</remarks>
    private string? Runaway(string phase, Dictionary<string, double> losses)
    {
        var earlier = State.History.Where(h => h.Phase == phase).Select(h => h.Losses);
        return DivergenceGuard.Weights(("generator", Model.Generator), ("discriminator", Model.Discriminator), ("auto-encoder", Model.Autoencoder))
            ?? phase switch
            {
                "gan" => DivergenceGuard.Cost("sum of the discriminator's and generator's costs", losses, earlier, ["d_loss", "g_loss"], GanLeastCost),
                "autoencoder" => DivergenceGuard.Cost("reconstruction cost", losses, earlier, ["reconstruction"]),
                _ => DivergenceGuard.Cost("MMD cost", losses, earlier, ["mmd"]),
            };
    }

    /// <summary>min over l of softplus(l) + softplus(−l): C_D's fake half plus C_G for one image, at l = 0.</summary>
    public static readonly double GanLeastCost = 2 * Math.Log(2);

    private Dictionary<string, double> GanEpoch(BatchAssembler batches, int[] order, int epoch, int noiseSeed, GeneratorAverage? average, GenerativeCallbacks? callbacks,
        CancellationToken cancellation)
    {
        var o = State.Options;
        var g = Optimizer("generator", Model.Generator, o.Beta1);
        var d = Optimizer("discriminator", Model.Discriminator!, o.Beta1);
        var step = new GanStep(Model.Generator, Model.Discriminator!, g, d, Model.NoiseSize, o.LearningRate, noiseSeed, mixture: Model.Mixture)
        {
            RealTarget = 1f - o.LabelSmoothing,
            TopK = o.TopK < 1 ? new TopKSelection(o.TopK) : null,
        };
        var sums = new Dictionary<string, double> { ["d_loss"] = 0, ["g_loss"] = 0, ["d_real"] = 0, ["d_fake"] = 0 };
        int images = GenerativeSetup.GanImagesPerEpoch(order.Length, o.BatchSize);
        int total = Count(images, o.BatchSize);
        int count = Batches(images, o.BatchSize, cancellation, (b, start, n) =>
        {
            batches.Fill(order, start, n, null);
            step.LearningRate = o.LearningRateAt(epoch, b, total);
            step.DiscriminatorLearningRate = o.DiscriminatorLearningRateAt(epoch, b, total);
            GanStepResult r;
            try { r = step.Run(batches.Images); }
            catch (TrainingDivergedException e) { throw Diverged(e.Message, epoch, b); }
            average?.Update(g.Steps);
            sums["d_loss"] += r.DiscriminatorLoss; sums["g_loss"] += r.GeneratorLoss;
            sums["d_real"] += r.RealProbability; sums["d_fake"] += r.FakeProbability;
            callbacks?.Batch?.Report(new GenerativeBatchProgress(epoch + 1, o.TotalEpochs, b + 1, total, "gan",
                string.Create(CultureInfo.InvariantCulture, $"d {r.DiscriminatorLoss:F4} g {r.GeneratorLoss:F4}"), step.LearningRate));
        });
        return sums.ToDictionary(kv => kv.Key, kv => kv.Value / count);
    }

    /// <summary>One epoch of the auto-encoder on the quadratic reconstruction cost (its decoder ends in a sigmoid).</summary>
    private Dictionary<string, double> AutoencoderEpoch(BatchAssembler batches, int[] order, int epoch, GenerativeCallbacks? callbacks, CancellationToken cancellation)
    {
        var o = State.Options;
        var ae = Model.Autoencoder!;
        var step = new TrainingStep(ae, new QuadraticCost(), Optimizer("autoencoder", ae, 0.9f), regularizer: null);
        double sum = 0;
        int count = Batches(order.Length, o.AutoencoderBatchSize, cancellation, (b, start, n) =>
        {
            batches.Fill(order, start, n, null);
            var x = batches.Images.View(n, batches.Images.ItemLength);
            double cost;
            try { cost = step.Run(x, x, o.AutoencoderLearningRate); }
            catch (TrainingDivergedException e) { throw Diverged(e.Message, epoch, b); }
            sum += cost;
            callbacks?.Batch?.Report(new GenerativeBatchProgress(epoch + 1, o.TotalEpochs, b + 1, Count(order.Length, o.AutoencoderBatchSize), "autoencoder",
                string.Create(CultureInfo.InvariantCulture, $"reconstruction {cost:F4}"), o.AutoencoderLearningRate));
        });
        return new Dictionary<string, double> { ["reconstruction"] = sum / count };
    }

    /// <summary>One epoch of moment matching: C = √MMD²(G(z), real), on pixels (GMMN) or on the encoder's codes (GMMN+AE).</summary>
    private Dictionary<string, double> MmdEpoch(BatchAssembler batches, int[] order, int epoch, Random noise, GeneratorAverage? average, GenerativeCallbacks? callbacks,
        CancellationToken cancellation)
    {
        var o = State.Options;
        var g = Model.Generator;
        var optimizer = Optimizer("generator", g, o.Beta1);
        var cost = new MmdCost(o.Sigmas ?? Mmd.DefaultSigmas);
        var parameters = g.AllParameters().ToArray();
        Tensor? z = null, gradient = null;
        double sum = 0;
        int total = Count(order.Length, o.BatchSize);
        int count = Batches(order.Length, o.BatchSize, cancellation, (b, start, n) =>
        {
            batches.Fill(order, start, n, null);
            var real = batches.Images.View(n, batches.Images.ItemLength);
            if (Model.Encoder is { } encoder) real = encoder.Forward(real, training: false);
            z = Tensor.Ensure(ref z, n, Model.NoiseSize);
            Model.DrawNoise(noise, z.Span);
            var fake = g.Forward(z, training: true);
            gradient = Tensor.Ensure(ref gradient, fake.Shape);
            double c = cost.Compute(fake, real, gradient);
            if (!double.IsFinite(c)) throw Diverged($"the MMD cost became {c}", epoch, b);
            foreach (var p in parameters) p.ZeroGradient();
            g.Backward(gradient);
            float rate = o.LearningRateAt(epoch, b, total);
            optimizer.Step(rate);
            average?.Update(optimizer.Steps);
            sum += c;
            callbacks?.Batch?.Report(new GenerativeBatchProgress(epoch + 1, o.TotalEpochs, b + 1, total, "gmmn",
                string.Create(CultureInfo.InvariantCulture, $"mmd {c:F4}"), rate));
        });
        return new Dictionary<string, double> { ["mmd"] = sum / count };
    }

    private Optimizer Optimizer(string name, Layer network, float beta1)
    {
        if (!State.Optimizers.TryGetValue(name, out var optimizer))
            State.Optimizers[name] = optimizer = Optimizers.Optimizer.Create(
                new OptimizerSettings(OptimizerKind.Adam, Beta1: beta1), network.AllParameters().ToArray());
        return optimizer;
    }

    private static int Count(int n, int batch) => BatchCount.Of(n, batch);

    // The token is looked at before every batch, not only between epochs: a host that cancels should not wait out an epoch.
    private static int Batches(int n, int batch, CancellationToken cancellation, Action<int, int, int> run)
    {
        int count = Count(n, batch);
        for (int b = 0; b < count; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            run(b, b * batch, Math.Min(batch, n - b * batch));
        }
        return count;
    }

    private void ReseedStochasticLayers(int seed)
    {
        int i = 0;
        void Walk(Layer l)
        {
            if (l is IStochasticLayer s) s.Reseed(Seeds.Derive(seed, i++));
            foreach (var c in l.Children) Walk(c);
        }
        Walk(Model.Generator);
        if (Model.Discriminator is { } d) Walk(d);
        if (Model.Autoencoder is { } ae) Walk(ae);
    }

    private TrainingDivergedException Diverged(string what, int epoch, int batch) =>
        new($"Training diverged at epoch {epoch + 1}, batch {batch + 1}: {what}. Try a smaller learning rate.", State.CompletedEpochs);
}
