using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Cli.Commands;

/// <summary>Draws images from a generator file, its checkpoint or its ONNX export, with the same noise for the same seed
/// whichever is given: the one place <c>np sample</c> and <c>np evaluate-generator</c> read a generator.</summary>
internal static class GeneratorFile
{
    /// <summary>The images as pixels in [0, 1], their shape and the model's kind. A checkpoint's sampler runs
    /// <paramref name="batchSize"/> images at a time (the noise is drawn for all of them at once, so the images do not
    /// depend on it), which keeps 10,000 DCGAN samples from needing gigabytes of activations.</summary>
    public static (float[] Pixels, int[] Shape, string Kind) Draw(string path, int count, int seed, int batchSize = int.MaxValue)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        var head = new byte[8];
        using (var f = File.OpenRead(path)) f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (CheckpointFile.StartsWithMagic(head))
        {
            var content = CheckpointFile.Load(path);
            if (!GenerativeCheckpoint.IsGenerative(content.Kind))
                throw new ArgumentException($"{path} holds a {content.Kind} model, not a generator: it must be a gan, gmmn or gmmn-ae checkpoint or its ONNX export.");
            var m = GenerativeCheckpoint.FromContent(path, content).Model;
            if (count <= batchSize) return (m.Sample(count, seed).Span.ToArray(), m.ImageShape, m.Name);
            var z = m.NoiseFor(count, seed);
            var sampler = m.Sampler();
            int per = m.ImageShape.Aggregate(1, (a, b) => a * b);
            var pixels = new float[count * per];
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                var batch = new Models.Tensors.Tensor(z.Span.Slice(start * m.NoiseSize, n * m.NoiseSize).ToArray(), n, m.NoiseSize);
                sampler.Forward(batch, training: false).Span[..(n * per)].CopyTo(pixels.AsSpan(start * per));
            }
            return (pixels, m.ImageShape, m.Name);
        }
        using var scorer = OnnxScorer.Load(path, new OnnxScorerOptions { Log = _ => { } });
        var card = scorer.Card?.Generator
            ?? throw new ArgumentException($"{path}: not a generator (its ONNX metadata has no 'generator' entry describing the noise it reads); a sampler exported by np export from a gan, gmmn or gmmn-ae checkpoint is needed.");
        if (scorer.InputShape is not [var size] || size != card.NoiseSize)
            throw new ArgumentException($"{path}: its input has shape [batch, {string.Join(", ", scorer.InputShape)}] but a noise vector of {card.NoiseSize} values was expected.");
        var noise = NoiseSampler.For(card.Noise, card.NoiseSize, count, seed);
        return (scorer.Score(noise.Span, count), card.ImageShape, Models.Settings.SettingNames.Name(card.Kind));
    }
}
