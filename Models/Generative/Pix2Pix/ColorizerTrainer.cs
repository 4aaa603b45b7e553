using System.Diagnostics;
using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>The colorizer's training loop: epochs of shuffled, augmented mini-batches of photos, each batch one
/// <see cref="Pix2PixStep"/> (L1 alone or L1 + cGAN), with the NaN guard, the <see cref="DivergenceGuard"/> after each epoch, per-batch and per-epoch reports and a save callback.</summary>
/// <remarks>The photos are turned into scaled Lab once; each batch copies its photos, flips and crops them (L and ab
/// together) and splits off L. Epoch e's shuffle, augmentation and dropout masks come from generators seeded with
/// (seed, e), so a run resumed from the state saved after epoch e goes on bit for bit.</remarks>
public sealed class ColorizerTrainer(ColorizerModel model, ColorizerTrainingState state)
{
    public ColorizerModel Model { get; } = model;
    public ColorizerTrainingState State { get; } = state;

    /// <summary>Planar RGB photos [count × 3 × S × S] → scaled Lab [count × 3 × S × S] (L, a, b planes as the model sees them).</summary>
    public static float[] ToScaledLab(PhotoSet photos)
    {
        int length = photos.ImageLength, p = length / 3;
        var lab = new float[photos.Pixels.Length];
        // Photos are independent: shared between threads by the kernels' one policy, each thread with its own scratch.
        KernelLoop.For(photos.Count, photos.Pixels.Length, (photos, lab, length, p), static (t, i) =>
        {
            var dst = t.lab.AsSpan(i * t.length, t.length);
            if (t_scratch is null || t_scratch.Length < t.length) t_scratch = new float[t.length];
            LabScaling.FromSrgb(t.photos.Image(i), dst[..t.p], dst[t.p..], t_scratch);
        });
        return lab;
    }

    [ThreadStatic] private static float[]? t_scratch;

    /// <param name="cancellation">Looked at before every mini-batch, so a cancelled run stops after the step in progress
    /// (<see cref="OperationCanceledException"/>); the last state given to the Save callback is the one to resume from.</param>
    public IReadOnlyList<ColorizerEpochReport> Fit(PhotoSet train, ColorizerCallbacks? callbacks = null, CancellationToken cancellation = default)
    {
        var o = State.Options;
        o.Validate();
        if (train.Size != Model.Size) throw new ArgumentException($"{train.Source} was read at {train.Size}×{train.Size} but the colorizer works at {Model.Size}×{Model.Size}.");
        if (train.Count == 0) throw new ArgumentException($"{train.Source}: the training set is empty.");
        if (o.Loss == ColorizerLoss.L1Gan && Model.Discriminator is null)
            throw new ArgumentException("l1+gan training needs the colorizer's discriminator, and this model has none (it was trained with l1 alone).");
        var lab = ToScaledLab(train);
        int s = Model.Size, plane = s * s, length = 3 * plane;
        var order = new int[train.Count];
        var augmenter = new FlipCropAugmenter(o.Pad, o.Flip);
        var image = new float[length];

        var g = Optimizer("generator", Model.Generator, o.Beta1);
        var d = Model.Discriminator is { } disc && o.Loss == ColorizerLoss.L1Gan ? Optimizer("discriminator", disc, o.Beta1) : null;
        var step = new Pix2PixStep(Model.Generator, g, d is null ? null : Model.Discriminator, d, o.Lambda, o.LearningRate);
        Tensor? l = null, ab = null;

        for (int epoch = State.CompletedEpochs; epoch < o.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int i = 0; i < order.Length; i++) order[i] = i;
            new Random(Seeds.Derive(o.Seed, epoch, 1)).Shuffle(order);
            var augmentation = new Random(Seeds.Derive(o.Seed, epoch, 2));
            ReseedStochasticLayers(Seeds.Derive(o.Seed, epoch, 3));
            var clock = Stopwatch.StartNew();
            var sums = new Dictionary<string, double> { ["l1"] = 0 };
            if (d is not null) { sums["d_loss"] = 0; sums["g_gan"] = 0; sums["d_real"] = 0; sums["d_fake"] = 0; }
            int batches = BatchCount.Of(order.Length, o.BatchSize);
            for (int b = 0; b < batches; b++)
            {
                // Per batch, as in Trainer: an epoch over a folder of photos runs for minutes.
                cancellation.ThrowIfCancellationRequested();
                int start = b * o.BatchSize, n = Math.Min(o.BatchSize, order.Length - start);
                l = Tensor.Ensure(ref l, n, 1, s, s);
                ab = Tensor.Ensure(ref ab, n, 2, s, s);
                for (int k = 0; k < n; k++)
                {
                    lab.AsSpan(order[start + k] * length, length).CopyTo(image);
                    augmenter.Apply(image, 3, s, s, augmentation);
                    image.AsSpan(0, plane).CopyTo(l.Span.Slice(k * plane, plane));
                    image.AsSpan(plane, 2 * plane).CopyTo(ab.Span.Slice(k * 2 * plane, 2 * plane));
                }
                step.LearningRate = o.LearningRateAt(epoch, b, batches);
                Pix2PixStepResult r;
                try { r = step.Run(l, ab); }
                catch (TrainingDivergedException e) { throw new TrainingDivergedException($"Training diverged at epoch {epoch + 1}, batch {b + 1}: {e.Message}. Try a smaller learning rate.", State.CompletedEpochs); }
                sums["l1"] += r.L1Loss;
                if (d is not null)
                {
                    sums["d_loss"] += r.DiscriminatorLoss; sums["g_gan"] += r.AdversarialLoss;
                    sums["d_real"] += r.RealProbability; sums["d_fake"] += r.FakeProbability;
                }
                callbacks?.Batch?.Report(new ColorizerBatchProgress(epoch + 1, o.Epochs, b + 1, batches, r.L1Loss));
            }
            clock.Stop();
            var losses = sums.ToDictionary(kv => kv.Key, kv => kv.Value / batches);
            // Divergence without a NaN is stopped as in Trainer: before this epoch is saved, so the file keeps the last good one.
            if (Runaway(losses) is { } runaway)
                throw new TrainingDivergedException($"Training diverged at epoch {epoch + 1} (checked after its last batch): {runaway}. Try a smaller learning rate.", State.CompletedEpochs);
            double seconds = clock.Elapsed.TotalSeconds;
            var report = new ColorizerEpochReport(epoch + 1, o.Epochs, losses, seconds, train.Count / Math.Max(seconds, 1e-9));
            State.History.Add(report);
            State.CompletedEpochs = epoch + 1;
            State.TrainSeconds += seconds;
            Model.SetMetadata("epochs_completed", State.CompletedEpochs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            callbacks?.Save?.Invoke();
            callbacks?.Epoch?.Report(report);
        }
        return State.History;
    }

    /// <summary>The <see cref="DivergenceGuard"/>'s two rules: the weight bound on both networks; the tenfold rule on the
    /// L1 cost (a regression cost, like a classifier's) and, with the cGAN, on d_loss + g_gan: their sum, not either alone,
    /// as in GenerativeTrainer (the two swing against each other), with its least possible value as a reference.</summary>
    private string? Runaway(Dictionary<string, double> losses)
    {
        var earlier = State.History.Select(h => h.Losses);
        return DivergenceGuard.Weights(("generator", Model.Generator), ("discriminator", Model.Discriminator))
            ?? DivergenceGuard.Cost("L1 cost", losses, earlier, ["l1"])
            ?? DivergenceGuard.Cost("sum of the discriminator's and adversarial costs", losses, earlier, ["d_loss", "g_gan"], CganLeastCost);
    }

    /// <summary>min over l of ½·softplus(l) + softplus(−l) (C_D is halved here, see <see cref="Pix2PixStep"/>): at σ(l) = ⅔,
    /// ½ ln 3 + ln 1.5 ≈ 0.955.</summary>
    public static readonly double CganLeastCost = 0.5 * Math.Log(3) + Math.Log(1.5);

    private Optimizer Optimizer(string name, Layer network, float beta1)
    {
        if (!State.Optimizers.TryGetValue(name, out var optimizer))
            State.Optimizers[name] = optimizer = Optimizers.Optimizer.Create(
                new OptimizerSettings(OptimizerKind.Adam, Beta1: beta1), network.AllParameters().ToArray());
        return optimizer;
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
    }
}
