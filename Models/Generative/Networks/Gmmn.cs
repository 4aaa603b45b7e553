using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Generative.Networks;

/// <summary>The networks of generative moment matching (Li, Swersky and Zemel 2015) for 28×28 images: a generator
/// trained by MMD on pixels, and the GMMN+AE variant (an auto-encoder, and a generator trained by MMD on its codes).</summary>
/// <remarks>ReLU layers start from He's initialisation, sigmoid layers from Xavier's; biases start at zero.</remarks>
public static class Gmmn
{
    /// <summary>noise → 64 → 256 → 256 → 1024 → pixels, ReLU between, sigmoid at the end: pixels in (0, 1). The paper's
    /// MNIST generator.</summary>
    public static Sequential Generator(int noise = 10, int pixels = 784, int seed = 0) =>
        ReluTower(noise, [64, 256, 256, 1024], pixels, new Random(seed));

    /// <summary>The paper's GMMN+AE generator on codes: noise → 64 → 256 → 256 → 1024 → code, ReLU between and a sigmoid
    /// at the end, since the auto-encoder's codes are sigmoid units in (0, 1).</summary>
    public static Sequential CodeGenerator(int noise = 10, int code = 32, int seed = 0) =>
        ReluTower(noise, [64, 256, 256, 1024], code, new Random(seed));

    /// <summary>The auto-encoder of GMMN+AE: encoder pixels → hidden → code, decoder code → hidden → pixels, sigmoid
    /// units throughout as in the paper, with dropout after the encoder's hidden layer (the paper regularises the
    /// encoder with dropout). Two networks, so that the code generator can be trained on the encoder's output and
    /// sampled through the decoder.</summary>
    public static (Sequential Encoder, Sequential Decoder) Autoencoder(int pixels = 784, int hidden = 1024, int code = 32,
        float dropout = 0.1f, int seed = 0)
    {
        if (pixels <= 0 || hidden <= 0 || code <= 0)
            throw new ArgumentException($"GMMN auto-encoder needs positive sizes, got {pixels}-{hidden}-{code}.");
        var rng = new Random(seed);
        var encoder = new Sequential(
            new Dense(pixels, hidden, Initializer.Xavier, rng), new Sigmoid(), new Dropout(dropout, seed),
            new Dense(hidden, code, Initializer.Xavier, rng), new Sigmoid());
        var decoder = new Sequential(
            new Dense(code, hidden, Initializer.Xavier, rng), new Sigmoid(),
            new Dense(hidden, pixels, Initializer.Xavier, rng), new Sigmoid());
        return (encoder, decoder);
    }

    private static Sequential ReluTower(int inputs, int[] hidden, int outputs, Random rng)
    {
        if (inputs <= 0 || outputs <= 0) throw new ArgumentException($"GMMN generator needs positive sizes, got {inputs} → {outputs}.");
        var layers = new List<Layer>();
        int from = inputs;
        foreach (int width in hidden)
        {
            // Nobody reads ∂C/∂noise, so the first layer skips that product.
            layers.Add(new Dense(from, width, Initializer.He, rng) { InputGradient = layers.Count > 0 });
            layers.Add(new ReLU());
            from = width;
        }
        layers.Add(new Dense(from, outputs, Initializer.Xavier, rng));
        layers.Add(new Sigmoid());
        return new Sequential(layers);
    }
}
