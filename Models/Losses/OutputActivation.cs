namespace NeuralPipelines.Models.Losses;

/// <summary>What turns a network's raw output into the scores its answer is read from.</summary>
public enum OutputActivation
{
    /// <summary>The output already is the scores (the network ends in its own activation, as with the quadratic cost).</summary>
    None,
    /// <summary>The output is logits; σ of each gives the scores.</summary>
    Sigmoid,
    /// <summary>The output is logits; their softmax gives the scores.</summary>
    Softmax,
}
