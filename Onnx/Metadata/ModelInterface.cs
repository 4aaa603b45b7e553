namespace NeuralPipelines.Onnx.Metadata;

/// <summary>A model's inputs and outputs in words, for a card whose model is not an exported network (see
/// <see cref="ModelCard.Interface"/>): written as the card's <c>input_name</c> and <c>outputs</c> entries.</summary>
/// <param name="Inputs">What it reads, e.g. the column names of a tabular pipeline.</param>
/// <param name="Outputs">What it writes, e.g. "Score: the predicted value".</param>
public sealed record ModelInterface(string Inputs, string Outputs);
