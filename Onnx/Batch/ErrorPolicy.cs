namespace NeuralPipelines.Onnx.Batch;

/// <summary>What a batch run does with an input item (an image file) that cannot be read.</summary>
public enum ErrorPolicy
{
    /// <summary>Stop at the first bad item (by row order), naming it; nothing is written.</summary>
    Stop,
    /// <summary>Leave the item out of the predictions and list it, with its error, in the run's summary.</summary>
    Skip,
}
